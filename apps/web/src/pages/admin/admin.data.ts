import { action, json, query } from "@solidjs/router";
import type { RouterInputs } from "@rozet/api";
import { dataApi } from "../../providers/api.tsx";

export const getTokens = query(() => dataApi().token.list.query(), "tokens");

export const createToken = action(async (input: RouterInputs["token"]["create"]) => {
  // The answer carries the secret, once: the page shows it and never stores it.
  const created = await dataApi().token.create.mutate(input);
  return json(created, { revalidate: getTokens.key });
}, "token.create");

export const revokeToken = action(async (token: string) => {
  const revoked = await dataApi().token.revoke.mutate({ token });
  return json(revoked, { revalidate: getTokens.key });
}, "token.revoke");

export type AuditQuery = Omit<RouterInputs["audit"]["list"] & object, "limit">;

/** Newest first, filtered by token, procedure prefix and result. */
export const getAudit = query((filter: AuditQuery) => dataApi().audit.list.query({ ...filter, limit: 500 }), "audit");
