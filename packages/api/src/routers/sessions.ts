import { archiveSession, createSession, deleteSession, getSession, listSessions, sessionMetrics } from "@rozet/orchestrator";
import { operatorProcedure, router } from "../trpc.ts";
import { createSessionInput, listSessionsInput, sessionIdInput } from "./sessions.contracts.ts";

export const sessionRouter = router({
  create: operatorProcedure.input(createSessionInput).mutation(({ ctx, input }) => createSession(ctx.room, input)),
  list: operatorProcedure.input(listSessionsInput).query(({ ctx, input }) => listSessions(ctx.room, input)),
  get: operatorProcedure.input(sessionIdInput).query(({ ctx, input }) => getSession(ctx.room, input)),
  archive: operatorProcedure.input(sessionIdInput).mutation(({ ctx, input }) => archiveSession(ctx.room, input)),
  delete: operatorProcedure.input(sessionIdInput).mutation(({ ctx, input }) => deleteSession(ctx.room, input)),
  metrics: operatorProcedure.input(sessionIdInput).query(({ ctx, input }) => sessionMetrics(ctx.room, input)),
});
