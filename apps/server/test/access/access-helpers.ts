import { appRouter, type RozetMeta } from "@rozet/api";

export type ProcedureType = "query" | "mutation" | "subscription";

/** Every procedure of the one router, by path, with its type and meta (what REST and the page call too). */
export function routerProcedures(): { path: string; type: ProcedureType; meta: RozetMeta | undefined }[] {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureType; meta?: RozetMeta } }>;
  return Object.entries(procedures).map(([path, procedure]) => ({ path, type: procedure._def.type, meta: procedure._def.meta }));
}

/** Calls a query or mutation over plain HTTP, as any client would; answers the status and the error code. */
export async function callOverHttp(url: string, call: { path: string; type: ProcedureType }, token: string | null, input: unknown) {
  const headers: Record<string, string> = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res =
    call.type === "mutation"
      ? await fetch(`${url}/trpc/${call.path}`, { method: "POST", headers, body: JSON.stringify(input) })
      : await fetch(`${url}/trpc/${call.path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { headers });
  const body = (await res.json()) as { error?: { data?: { code?: string; domainCode?: string | null } } };
  return { status: res.status, code: body.error?.data?.domainCode ?? body.error?.data?.code ?? null, headers: res.headers };
}

/** Creates a named token over the API with an admin token and answers its secret. */
export async function createToken(url: string, adminToken: string, name: string, role: string): Promise<string> {
  const res = await fetch(`${url}/trpc/token.create`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ name, role }),
  });
  const body = (await res.json()) as { result: { data: { secret: string } } };
  if (res.status !== 200) throw new Error(`token.create ${res.status}: ${JSON.stringify(body)}`);
  return body.result.data.secret;
}
