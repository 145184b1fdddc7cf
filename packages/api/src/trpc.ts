import { initTRPC, TRPCError } from "@trpc/server";
import { DomainError } from "@rozet/vocabulary";
import { z, ZodError } from "zod";
import type { Context } from "./context.ts";
import { domainErrorMap } from "./errors.ts";

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        // Stable domain code, e.g. PAYLOAD_TOO_LARGE, and what exactly was wrong.
        domainCode: cause instanceof DomainError ? cause.code : null,
        details: cause instanceof DomainError ? (cause.details ?? null) : null,
        fieldErrors: cause instanceof ZodError ? z.flattenError(cause).fieldErrors : null,
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

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Open to anyone who passed the server's Host/Origin checks: health only. */
export const publicProcedure = t.procedure.use(mapDomainErrors);

/** Everything else: needs the operator token when one is configured. */
export const operatorProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.operator) throw new TRPCError({ code: "UNAUTHORIZED", message: "missing or wrong token (Authorization: Bearer <ROZET_TOKEN>)" });
  return next({ ctx: { ...ctx, operator: true as const } });
});
