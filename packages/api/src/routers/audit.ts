import { z } from "zod";
import { auditEntrySchema, auditFilterSchema } from "../access/audit.ts";
import { adminProcedure, router } from "../trpc.ts";

/** The audit log of state-changing calls (admin only), newest first, with filters. */
export const auditRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "GET", path: "/api/audit", tags: ["audit"], summary: "The audit log, newest first: filter by token, procedure prefix, result (ok, error or a code)" } })
    .input(auditFilterSchema.default({ limit: 200 }))
    .output(z.array(auditEntrySchema))
    .query(({ ctx, input }) => ctx.audit.read(input)),
});
