import { tracked } from "@trpc/server";
import { z } from "zod";
import { procedure, router } from "../trpc.ts";
import { idSchema } from "./common.contracts.ts";

export const controlRouter = router({
  /** Lifecycle changes of sessions, agents, commands and tasks; resumable from the last tracked id. */
  onUpdate: procedure
    .input(z.object({ sessionId: idSchema.optional(), lastEventId: z.string().max(64).nullish() }).default({}))
    .subscription(async function* ({ ctx, input, signal }) {
      const relevant = (sessionId: string | null) => !input.sessionId || sessionId === input.sessionId;
      const live = ctx.room.bus.toIterable("control", { signal });
      let lastSent = input.lastEventId ?? null;
      const sent = new Set<string>();
      for (const entry of ctx.room.control.since(lastSent)) {
        sent.add(entry.id);
        if (relevant(entry.update.sessionId)) yield tracked(entry.id, entry.update);
      }
      try {
        for await (const [entry] of live) {
          if (sent.has(entry.id) || !relevant(entry.update.sessionId)) continue;
          lastSent = entry.id;
          yield tracked(entry.id, entry.update);
        }
      } catch (error) {
        if (!signal?.aborted) throw error;
      }
    }),
});
