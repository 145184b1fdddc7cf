import { initTRPC, TRPCError } from "@trpc/server";
import { DomainError, newId } from "@rozet/vocabulary";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError } from "zod";
import type { Context } from "./context.ts";
import { domainErrorMap } from "./errors.ts";
import { assertWellFormedText } from "./well-formed.ts";

/** Stacks in error bodies only for developers who ask (ROZET_DEV=1): they name files of the server machine. */
export const sendStacks = process.env.ROZET_DEV === "1";

/**
 * What a procedure may declare besides its input and output: its REST route (`openapi`, read by trpc-to-openapi
 * for /api/openapi.json and by the server's REST adapter). Extend the intersection for more (e.g. a role).
 */
export type RozetMeta = OpenApiMeta;

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

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Open to anyone who passed the server's Host/Origin checks: health only. */
export const publicProcedure = t.procedure.use(mapDomainErrors).use(refuseIllFormedText);

/** Everything else: needs the operator token when one is configured. */
export const operatorProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.operator) throw new TRPCError({ code: "UNAUTHORIZED", message: "missing or wrong token (Authorization: Bearer <ROZET_TOKEN>)" });
  return next({ ctx: { ...ctx, operator: true as const } });
});

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
