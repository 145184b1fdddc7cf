import type { IncomingMessage } from "node:http";
import { clientAddress, isLoopbackAddress, presentedToken, resolveAccess, type AccessPolicy, type AuditTrail, type Principal, type RateLimits } from "@rozet/api";
import { DomainError, roleAllows, type Role } from "@rozet/vocabulary";

/**
 * The role check for the server's own HTTP routes (ingest, exports, /metrics): the same tokens and roles as the
 * tRPC procedures. Throws UNAUTHORIZED / FORBIDDEN / RATE_LIMITED as DomainErrors (sendError answers them).
 */
export function createHttpAccess(policy: AccessPolicy, limits: RateLimits, audit: AuditTrail) {
  const presentedBy = (req: IncomingMessage, options: { allowQueryToken?: boolean }) =>
    presentedToken(req) ?? (options.allowQueryToken ? new URL(req.url ?? "/", "http://x").searchParams.get("token") : null);
  return {
    /** Downloads are plain links, which cannot carry headers: `allowQueryToken` takes `?token=` too. */
    async authorize(req: IncomingMessage, need: Role, options: { allowQueryToken?: boolean } = {}): Promise<Principal> {
      const { principal } = await resolveAccess(policy, presentedBy(req, options));
      if (!principal) throw new DomainError("UNAUTHORIZED", "missing, wrong or revoked token (Authorization: Bearer <token>)");
      if (!roleAllows(principal.role, need)) {
        throw new DomainError("FORBIDDEN", `${req.url?.split("?", 1)[0] ?? "this route"} needs the ${need} role; token ${principal.name} is ${principal.role}`, { need, role: principal.role });
      }
      return principal;
    },
    /** The refusal `authorize` would throw, or null: for a WebSocket upgrade, answered on the raw socket. */
    async refusal(req: IncomingMessage, need: Role, options: { allowQueryToken?: boolean } = {}): Promise<DomainError | null> {
      try {
        await this.authorize(req, need, options);
        return null;
      } catch (error) {
        if (error instanceof DomainError) return error;
        throw error;
      }
    },
    /** Ingest needs an operator and is rate limited, except (by default) from loopback: local hooks are never throttled. */
    async authorizeIngest(req: IncomingMessage): Promise<Principal> {
      const address = clientAddress(req);
      const { principal } = await resolveAccess(policy, presentedToken(req));
      if (limits.config.throttleLoopbackIngest || !isLoopbackAddress(address)) limits.check("ingest", { token: principal?.name ?? null, address });
      return this.authorize(req, "operator");
    },
    /**
     * A state-changing call of one of the server's own routes, treated as a tRPC mutation is: rate limited per token
     * and address (before the token is checked), the role checked, and audited under `procedure` whatever its result.
     */
    async mutate<T>(req: IncomingMessage, call: { need: Role; procedure: string; target: string | null; allowQueryToken?: boolean }, work: () => Promise<T>): Promise<T> {
      const address = clientAddress(req);
      let principal: Principal | null = null;
      let result = "ok";
      try {
        principal = (await resolveAccess(policy, presentedBy(req, call))).principal;
        limits.check("mutation", { token: principal?.name ?? null, address });
        await this.authorize(req, call.need, call);
        return await work();
      } catch (error) {
        result = error instanceof DomainError ? error.code : "INTERNAL";
        throw error;
      } finally {
        await audit.record({ at: new Date().toISOString(), token: principal?.name ?? null, role: principal?.role ?? null, procedure: call.procedure, target: call.target, result, client: address });
      }
    },
  };
}

export type HttpAccess = ReturnType<typeof createHttpAccess>;
