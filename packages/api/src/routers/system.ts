import { z } from "zod";
import { publicProcedure, operatorProcedure, router } from "../trpc.ts";

const telemetryInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("page_load"), durationMs: z.number().finite().nonnegative().max(600_000) }),
  z.object({
    kind: z.literal("command"),
    name: z.string().min(1).max(64).regex(/^[a-zA-Z0-9._-]+$/),
    ok: z.boolean(),
    durationMs: z.number().finite().nonnegative().max(3_600_000).optional(),
  }),
]);

const startedAt = Date.now();

export const systemRouter = router({
  health: publicProcedure.query(({ ctx }) => ({
    ok: true as const,
    uptimeMs: Date.now() - startedAt,
    writeBacklog: ctx.room.writer.backlog,
  })),
  info: operatorProcedure.query(({ ctx }) => ({
    name: "Rozet Control Room",
    version: "0.1.0",
    node: process.version,
    database: ctx.room.database.file,
    workspacesRoot: ctx.room.workspacesRoot,
    lastSeq: ctx.room.events.lastSeq(),
  })),
  /** Page load timing and command outcomes from the web app, counted on GET /metrics. */
  telemetry: operatorProcedure.input(telemetryInput).mutation(({ ctx, input }) => {
    ctx.telemetry.record(input);
    return { recorded: true as const };
  }),
});
