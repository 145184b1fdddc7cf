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
const tags = ["system"];

export const systemRouter = router({
  health: publicProcedure
    .meta({ openapi: { method: "GET", path: "/api/health", tags, summary: "Liveness and write backlog (no token needed)", protect: false } })
    .output(z.object({ ok: z.literal(true), uptimeMs: z.number(), writeBacklog: z.number().int() }))
    .query(({ ctx }) => ({
    ok: true as const,
    uptimeMs: Date.now() - startedAt,
    writeBacklog: ctx.room.writer.backlog,
  })),
  info: operatorProcedure
    .meta({ openapi: { method: "GET", path: "/api/info", tags, summary: "Server version, database file, workspaces root, newest seq" } })
    .output(
      z.object({ name: z.string(), version: z.string(), node: z.string(), database: z.string(), workspacesRoot: z.string(), lastSeq: z.number().int() }),
    )
    .query(async ({ ctx }) => ({
    name: "Rozet Control Room",
    version: "0.1.0",
    node: process.version,
    database: ctx.room.database.file,
    workspacesRoot: ctx.room.workspacesRoot,
    lastSeq: await ctx.room.events.lastSeq(),
  })),
  /** Page load timing and command outcomes from the web app, counted on GET /metrics. */
  telemetry: operatorProcedure.input(telemetryInput).output(z.object({ recorded: z.literal(true) })).mutation(({ ctx, input }) => {
    ctx.telemetry.record(input);
    return { recorded: true as const };
  }),
});
