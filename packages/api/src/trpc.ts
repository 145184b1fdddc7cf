import { initTRPC, TRPCError } from "@trpc/server";
import { DomainError, newId, roleAllows, type Role } from "@rozet/vocabulary";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError } from "zod";
import { auditTarget } from "./access/audit.ts";
import type { Context } from "./context.ts";
import { domainErrorMap } from "./errors.ts";
import { assertWellFormedText } from "./well-formed.ts";

/** Stacks in error bodies only for developers who ask (ROZET_DEV=1): they name files of the server machine. */
export const sendStacks = process.env.ROZET_DEV === "1";

/**
 * Who may call a procedure. Without `role` it follows the procedure's type: queries and subscriptions need a
 * viewer, mutations an operator. `public` needs no token (health). `audit: false` keeps high-volume calls
 * (ingest, page telemetry) out of the audit log.
 */
export interface AccessMeta {
  role?: Role | "public";
  audit?: boolean;
}

/**
 * What a procedure may declare besides its input and output: its REST route (`openapi`, read by trpc-to-openapi
 * for /api/openapi.json and by the server's REST adapter) and who may call it.
 */
export type RozetMeta = OpenApiMeta & AccessMeta;

export function requiredRole(meta: AccessMeta | undefined, type: "query" | "mutation" | "subscription"): Role | "public" {
  return meta?.role ?? (type === "mutation" ? "operator" : "viewer");
}

const t = initTRPC.context<Context>().meta<RozetMeta>().create({
  isDev: sendStacks,
  errorFormatter({ shape, error, ctx, path }) {
    const cause = error.cause;
    // An unexpected failure (a bug, a database error) is answered without its text, which can carry source paths
    // and SQL; the log has the real error under the same correlation id.
    const unexpected = error.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof DomainError);
    const correlationId = unexpected ? newId() : null;
    if (correlationId) ctx?.room.log.error({ err: error, path, correlationId }, "procedure failed");
    return {
      ...shape,
      message: correlationId ? `internal error (correlation id ${correlationId}); see the server log` : shape.message,
      data: {
        ...shape.data,
        correlationId,
        // Stable domain code, e.g. PAYLOAD_TOO_LARGE, and what exactly was wrong.
        domainCode: cause instanceof DomainError ? cause.code : null,
        details: cause instanceof DomainError ? (cause.details ?? null) : null,
        fieldErrors: cause instanceof ZodError ? fieldErrorsOf(cause) : null,
      },
    };
  },
});

/** Turns domain errors into tRPC errors once, for every procedure. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: domainErrorMap[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

/** Every input, whatever its schema: text that cannot be stored as UTF-8 is refused before any handler sees it. */
const refuseIllFormedText = t.middleware(async ({ getRawInput, next }) => {
  assertWellFormedText(await getRawInput());
  return next();
});

/**
 * Every state-changing call is appended to the audit log (synced) before it is answered, whatever its result:
 * refusals (401/403/429) included.
 */
const recordAudit = t.middleware(async ({ ctx, type, path, meta, getRawInput, next }) => {
  if (type !== "mutation" || meta?.audit === false) return next();
  const result = await next();
  const error = result.ok ? null : result.error;
  await ctx.audit.record({
    at: new Date().toISOString(),
    token: ctx.access.principal?.name ?? null,
    role: ctx.access.principal?.role ?? null,
    procedure: path,
    target: auditTarget(await getRawInput().catch(() => null)),
    result: error ? (error.cause instanceof DomainError ? error.cause.code : error.code) : "ok",
    client: ctx.clientAddress,
  });
  return result;
});

/** Mutations are rate limited per token and per client address (before the token is checked: guessing costs too). */
const limitMutations = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation") ctx.limits.check("mutation", { token: ctx.access.principal?.name ?? null, address: ctx.clientAddress });
  return next();
});

/** The role check, in one place for tRPC, REST and WebSocket calls alike; narrows the context to a known caller. */
const authorize = t.middleware(({ ctx, meta, type, path, next }) => {
  const need = requiredRole(meta, type);
  const principal = ctx.access.principal;
  if (need !== "public") {
    if (!principal) throw new DomainError("UNAUTHORIZED", "missing, wrong or revoked token (Authorization: Bearer <token>)");
    if (!roleAllows(principal.role, need)) {
      throw new DomainError("FORBIDDEN", `${path} needs the ${need} role; token ${principal.name} is ${principal.role}`, { need, role: principal.role });
    }
  }
  return next({ ctx: { ...ctx, principal } });
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The one base: errors mapped, text checked, mutations audited and rate limited, the role checked. */
export const procedure = t.procedure.use(mapDomainErrors).use(recordAudit).use(refuseIllFormedText).use(limitMutations).use(authorize);

/** Open to anyone who passed the server's Host/Origin checks: health and "who am I" only. */
export const publicProcedure = procedure.meta({ role: "public" });

/** Tokens, rules, deletes, the audit log. */
export const adminProcedure = procedure.meta({ role: "admin" });

/** Agents, commands, tasks, permissions: their mutations are refused in observe-only mode. */
export const controlProcedure = procedure.use(({ ctx, type, next }) => {
  if (type === "mutation" && ctx.observeOnly) {
    throw new DomainError("OBSERVE_ONLY", "the control room is observe-only (ROZET_CONTROL_ROOM_ENABLED=false): agents, commands, tasks and permissions cannot be changed");
  }
  return next();
});

/** Who a change is attributed to in the records it leaves (command issuedBy, permission answeredBy). */
export function actorOf(principal: { name: string } | null): string {
  return `token:${principal?.name ?? "anonymous"}`;
}

/**
 * Field errors keyed by the input's top-level field (as z.flattenError does), each message naming the nested
 * field it is about (`stopGraceMs: Too small…` under `config`), so a deep mistake still says where it is.
 */
function fieldErrorsOf(error: ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const [top, ...rest] = issue.path.map(String);
    if (top === undefined) continue;
    (fields[top] ??= []).push(rest.length > 0 ? `${rest.join(".")}: ${issue.message}` : issue.message);
  }
  return fields;
}
