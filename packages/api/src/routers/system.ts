import { publicProcedure, operatorProcedure, router } from "../trpc.ts";

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
});
