import { z } from "zod";
import { procedure, publicProcedure, router } from "../trpc.ts";
import { accessOutput } from "./access.contracts.ts";

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
  info: procedure
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
  /** Whether a token is needed, whose token this is, and whether agents may be controlled: the page asks first. */
  access: publicProcedure
    .meta({ openapi: { method: "GET", path: "/api/access", tags, summary: "Whether a token is needed, whose token this is (name, role), observe-only or not (no token needed)", protect: false } })
    .output(accessOutput)
    .query(({ ctx }) => ({
    tokenRequired: ctx.access.required,
    principal: ctx.principal,
    observeOnly: ctx.observeOnly,
  })),
  /** Page load timing and command outcomes from the web app, counted on GET /metrics. */
  telemetry: procedure.meta({ role: "viewer", audit: false }).input(telemetryInput).output(z.object({ recorded: z.literal(true) })).mutation(({ ctx, input }) => {
    ctx.telemetry.record(input);
    return { recorded: true as const };
  }),
});
