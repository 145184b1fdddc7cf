import { notFound } from "@rozet/db";
import { subscribeEvents } from "../live/subscribe-events.ts";
import { operatorProcedure, router } from "../trpc.ts";
import { eventGetInput, ingestInput, subscribeInput, timelineInput } from "./events.contracts.ts";
import { ingestReceipt, parseIngestBody } from "./ingest.contracts.ts";

export const eventRouter = router({
  ingest: operatorProcedure.input(ingestInput).mutation(async ({ ctx, input }) => {
    const results = await ctx.room.writer.append(parseIngestBody(input.events));
    return ingestReceipt(results);
  }),
  timeline: operatorProcedure.input(timelineInput).query(({ ctx, input }) => ctx.room.events.page(input)),
  get: operatorProcedure.input(eventGetInput).query(({ ctx, input }) => {
    const event = ctx.room.events.get(input.seq);
    if (!event) throw notFound("event", String(input.seq));
    return event;
  }),
  subscribe: operatorProcedure.input(subscribeInput).subscription(({ ctx, input, signal }) =>
    subscribeEvents({
      store: ctx.room.events,
      bus: ctx.room.bus,
      filter: input,
      lastEventId: input.lastEventId,
      signal,
      socket: ctx.socket,
    }),
  ),
});
