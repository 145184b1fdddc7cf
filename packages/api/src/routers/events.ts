import { commandRunLog } from "@rozet/orchestrator";
import { notFound } from "@rozet/vocabulary";
import { boundedPayload } from "../json-text.ts";
import { subscribeEvents } from "../live/subscribe-events.ts";
import { operatorProcedure, router } from "../trpc.ts";
import { agentMustExist, sessionMustExist } from "./must-exist.ts";
import { eventGetInput, histogramInput, ingestInput, runLogInput, subscribeInput, timelineInput, windowInput } from "./events.contracts.ts";
import { ingestReceipt, parseIngestBody } from "./ingest.contracts.ts";

export const eventRouter = router({
  ingest: operatorProcedure.input(ingestInput).mutation(async ({ ctx, input }) => {
    const results = await ctx.room.writer.append(parseIngestBody(input.events));
    return ingestReceipt(results);
  }),
  timeline: operatorProcedure.input(timelineInput).query(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    if (input.agentId) await agentMustExist(ctx.room, input.agentId);
    return ctx.room.events.page(input);
  }),
  /** Rows by position over the whole filtered session (position ↔ seq), for a scrollbar over all of it and jumps. */
  window: operatorProcedure.input(windowInput).query(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    if (input.agentId) await agentMustExist(ctx.room, input.agentId);
    return ctx.room.events.window(input);
  }),
  /** Events and cost over time in bounded buckets, for charts: one query instead of reading the history. */
  histogram: operatorProcedure.input(histogramInput).query(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    return ctx.room.events.histogram(input.sessionId, input.maxBuckets);
  }),
  get: operatorProcedure.input(eventGetInput).query(({ ctx, input }) => {
    const event = ctx.room.events.get(input.seq);
    if (!event) throw notFound("event", String(input.seq));
    return { ...event, payload: boundedPayload(event.payload) };
  }),
  /** A command's events with their payloads (output, tool results), page by page: the run log view. */
  runLog: operatorProcedure.input(runLogInput).query(async ({ ctx, input }) => {
    const page = await commandRunLog(ctx.room, input);
    return { ...page, events: page.events.map((event) => ({ ...event, payload: boundedPayload(event.payload) })) };
  }),
  subscribe: operatorProcedure.input(subscribeInput).subscription(({ ctx, input, signal }) =>
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
