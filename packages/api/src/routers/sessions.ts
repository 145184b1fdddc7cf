import { archiveSession, createSession, deleteSession, getSession, listSessions, sessionMetrics, sessionOverview, updateSession } from "@rozet/orchestrator";
import { z } from "zod";
import { adminProcedure, procedure, router } from "../trpc.ts";
import { deletedOutput } from "./common.contracts.ts";
import {
  createSessionInput,
  listSessionsInput,
  sessionIdInput,
  sessionListItemOutput,
  sessionMetricsOutput,
  sessionOutput,
  sessionOverviewOutput,
  updateSessionInput,
} from "./sessions.contracts.ts";

const tags = ["sessions"];

export const sessionRouter = router({
  create: procedure
    .meta({ openapi: { method: "POST", path: "/api/sessions", tags, summary: "Create a session" } })
    .input(createSessionInput)
    .output(sessionOutput)
    .mutation(({ ctx, input }) => createSession(ctx.room, input)),
  list: procedure
    .meta({ openapi: { method: "GET", path: "/api/sessions", tags, summary: "Sessions, newest first, with their totals" } })
    .input(listSessionsInput)
    .output(z.array(sessionListItemOutput))
    .query(({ ctx, input }) => listSessions(ctx.room, input)),
  /** Aggregated metrics over every session: the plan's `GET /sessions`. */
  overview: procedure
    .meta({ openapi: { method: "GET", path: "/sessions", tags, summary: "Totals over all sessions (active agents, cost, tokens, tool success rate) and the sessions" } })
    .input(listSessionsInput)
    .output(sessionOverviewOutput)
    .query(({ ctx, input }) => sessionOverview(ctx.room, input)),
  get: procedure
    .meta({ openapi: { method: "GET", path: "/api/sessions/{id}", tags, summary: "One session" } })
    .input(sessionIdInput)
    .output(sessionOutput)
    .query(({ ctx, input }) => getSession(ctx.room, input)),
  /**
   * An operator's, like session.create (which takes the same setting) and plan.approve: auto-approval approves
   * nothing an operator could not, and the plan's agents still ask their permissions.
   */
  update: procedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{id}/update", tags, summary: "Change a session's settings (autoApprovePlans)" } })
    .input(updateSessionInput)
    .output(sessionOutput)
    .mutation(({ ctx, input }) => updateSession(ctx.room, input)),
  archive: procedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{id}/archive", tags, summary: "Archive a session (stops its agents)" } })
    .input(sessionIdInput)
    .output(sessionOutput)
    .mutation(({ ctx, input }) => archiveSession(ctx.room, input)),
  delete: adminProcedure
    .meta({ openapi: { method: "DELETE", path: "/api/sessions/{id}", tags, summary: "Delete a session with its agents, tasks and events (not its workspace folder)" } })
    .input(sessionIdInput)
    .output(deletedOutput)
    .mutation(({ ctx, input }) => deleteSession(ctx.room, input)),
  metrics: procedure
    .meta({ openapi: { method: "GET", path: "/api/sessions/{id}/metrics", tags, summary: "A session's agents and tasks by status, cost, tokens, tool success rate" } })
    .input(sessionIdInput)
    .output(sessionMetricsOutput)
    .query(({ ctx, input }) => sessionMetrics(ctx.room, input)),
});
