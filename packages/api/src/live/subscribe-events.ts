import { setImmediate as nextTurn } from "node:timers/promises";
import { tracked } from "@trpc/server";
import type { Bus, EventStore, EventSummary } from "@rozet/db";
import { waitForDrain, type DrainableSocket } from "./back-pressure.ts";

export interface EventFilter {
  sessionId?: string | undefined;
  agentId?: string | undefined;
  types?: string[] | undefined;
}

/** Live events buffered per subscriber while it is busy; beyond this it re-reads from the database instead. */
const LIVE_BUFFER_LIMIT = 5_000;
/**
 * History is read and sent a page at a time, with a turn of the event loop between pages: every yield below is
 * only a microtask (the ws adapter sends synchronously), so without that turn a replay of 100k events held the
 * loop for seconds and stalled every other request. Small pages keep each turn short even with many replays.
 */
const REPLAY_PAGE = 200;

function matches(filter: EventFilter, event: EventSummary): boolean {
  if (filter.sessionId && event.sessionId !== filter.sessionId) return false;
  if (filter.agentId && event.agentId !== filter.agentId) return false;
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  return true;
}

/**
 * Subscribe first, then replay from the database after `lastEventId`, then follow live events, skipping any seq
 * already sent; every yield is tracked by seq so a reconnecting client resumes exactly. Memory per subscriber is
 * bounded: a slow client's live buffer overflows into a database re-read, and yields wait for its socket to drain.
 */
export async function* subscribeEvents(opts: {
  store: EventStore;
  bus: Bus;
  filter: EventFilter;
  lastEventId: string | null | undefined;
  signal: AbortSignal | undefined;
  socket: DrainableSocket | null;
}) {
  const { store, bus, filter, signal } = opts;
  const live: EventSummary[] = [];
  let overflowed = false;
  let wake: (() => void) | null = null;
  const unsubscribe = bus.subscribe("events", (batch) => {
    for (const event of batch) {
      if (!matches(filter, event)) continue;
      if (live.length >= LIVE_BUFFER_LIMIT) overflowed = true;
      else live.push(event);
    }
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  const parsed = opts.lastEventId ? Number(opts.lastEventId) : Number.NaN;
  // Without a cursor the subscription starts at "now" (clients load history through event.timeline).
  let cursor = Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : store.lastSeq();
  let replay = Number.isSafeInteger(parsed);
  try {
    while (!signal?.aborted) {
      if (replay || overflowed) {
        replay = false;
        overflowed = false;
        live.length = 0;
        for (;;) {
          const rows = store.readAfter({ sessionId: filter.sessionId, afterSeq: cursor, limit: REPLAY_PAGE });
          for (const row of rows) {
            cursor = row.seq;
            if (!matches(filter, row)) continue;
            await waitForDrain(opts.socket, signal);
            if (signal?.aborted) return;
            yield tracked(String(row.seq), row);
          }
          if (rows.length < REPLAY_PAGE) break;
          await nextTurn();
          if (signal?.aborted) return;
        }
        continue;
      }
      const next = live.shift();
      if (!next) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      if (next.seq <= cursor) continue;
      cursor = next.seq;
      await waitForDrain(opts.socket, signal);
      if (signal?.aborted) return;
      yield tracked(String(next.seq), next);
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener("abort", onAbort);
  }
}
