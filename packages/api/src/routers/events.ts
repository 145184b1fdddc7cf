import { commandRunLog } from "@rozet/orchestrator";
import { notFound } from "@rozet/vocabulary";
import { boundedPayload } from "../json-text.ts";
import { subscribeEvents } from "../live/subscribe-events.ts";
import { procedure, router } from "../trpc.ts";
import { agentMustExist, sessionMustExist, taskMustBeInSession } from "./must-exist.ts";
import {
  eventGetInput,
  fullEventOutput,
  histogramInput,
  histogramOutput,
  ingestInput,
  ingestOutput,
  runLogInput,
  subscribeInput,
  timelineInput,
  timelineOutput,
  windowInput,
  windowOutput,
} from "./events.contracts.ts";
import { runLogOutput } from "./agents.contracts.ts";
import { ingestReceipt, parseIngestBody } from "./ingest.contracts.ts";

const tags = ["events"];

export const eventRouter = router({
  /** Over HTTP, POST /events and /api/events take the same bodies without tRPC (the hot path). */
  ingest: procedure.meta({ audit: false }).input(ingestInput).output(ingestOutput).mutation(async ({ ctx, input }) => {
    const results = await ctx.room.writer.append(parseIngestBody(input.events));
    return ingestReceipt(results);
  }),
  timeline: procedure
    .meta({
      openapi: {
        method: "GET",
        path: "/events/session/{sessionId}",
        tags,
        summary: "A page of a session's timeline",
        description: "Newest page when neither cursor is given; `before` pages back, `after` forward (seq cursors). Filters: agentId, taskId, types (repeat the parameter), text.",
      },
    })
    .input(timelineInput)
    .output(timelineOutput)
    .query(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    if (input.agentId) await agentMustExist(ctx.room, input.agentId);
    if (input.taskId) await taskMustBeInSession(ctx.room, input.taskId, input.sessionId);
    return ctx.room.events.page(input);
  }),
  /** Rows by position over the whole filtered session (position ↔ seq), for a scrollbar over all of it and jumps. */
  window: procedure
    .meta({
      openapi: {
        method: "GET",
        path: "/events/session/{sessionId}/window",
        tags,
        summary: "Rows by position over the whole filtered timeline (jump to a position, seq or time)",
      },
    })
    .input(windowInput)
    .output(windowOutput)
    .query(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    if (input.agentId) await agentMustExist(ctx.room, input.agentId);
    if (input.taskId) await taskMustBeInSession(ctx.room, input.taskId, input.sessionId);
    return ctx.room.events.window(input);
  }),
  /** Events and cost over time in bounded buckets, for charts: one query instead of reading the history. */
  histogram: procedure
    .meta({ openapi: { method: "GET", path: "/api/sessions/{sessionId}/histogram", tags, summary: "Events and cost over time in bounded buckets" } })
    .input(histogramInput)
    .output(histogramOutput)
    .query(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    return ctx.room.events.histogram(input.sessionId, input.maxBuckets);
  }),
  get: procedure
    .meta({ openapi: { method: "GET", path: "/api/events/{seq}", tags, summary: "One event with its payload" } })
    .input(eventGetInput)
    .output(fullEventOutput)
    .query(async ({ ctx, input }) => {
    const event = await ctx.room.events.get(input.seq);
    if (!event) throw notFound("event", String(input.seq));
    return { ...event, payload: boundedPayload(event.payload) };
  }),
  /** A command's events with their payloads (output, tool results), page by page: the run log view. */
  runLog: procedure
    .meta({ openapi: { method: "GET", path: "/api/commands/{commandId}/log", tags, summary: "One command's events with payloads (its run log), page by page" } })
    .input(runLogInput)
    .output(runLogOutput)
    .query(async ({ ctx, input }) => {
    const page = await commandRunLog(ctx.room, input);
    return { ...page, events: page.events.map((event) => ({ ...event, payload: boundedPayload(event.payload) })) };
  }),
  subscribe: procedure.input(subscribeInput).subscription(({ ctx, input, signal }) =>
    subscribeEvents({
      store: ctx.room.events,
      bus: ctx.room.bus,
      filter: input,
      lastEventId: input.lastEventId,
      signal,
      socket: ctx.socket,
      onLiveSent: (lagMs) => ctx.telemetry.liveEventSent(lagMs),
    }),
  ),
});
