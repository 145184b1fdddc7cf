import { tracked } from "@trpc/server";
import type { Bus, EventStore, EventSummary } from "@rozet/db";
import { waitForDrain, type DrainableSocket } from "./back-pressure.ts";
import { longLoopTurns } from "./loop-turns.ts";

export interface EventFilter {
  sessionId?: string | undefined;
  agentId?: string | undefined;
  taskId?: string | undefined;
  types?: string[] | undefined;
}

/** Live events buffered per subscriber while it is busy; beyond this it re-reads from the database instead. */
const LIVE_BUFFER_LIMIT = 5_000;
const REPLAY_PAGE = 200;

function matches(filter: EventFilter, event: EventSummary): boolean {
  if (filter.sessionId && event.sessionId !== filter.sessionId) return false;
  if (filter.agentId && event.agentId !== filter.agentId) return false;
  if (filter.taskId && event.taskId !== filter.taskId) return false;
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  return true;
}

/**
 * Subscribe first, then replay from the database after `lastEventId`, then follow live events, skipping any seq
 * already sent; every yield is tracked by seq so a reconnecting client resumes exactly. Memory per subscriber is
 * bounded: a slow client's live buffer overflows into a database re-read, and yields wait for its socket to drain.
 * Each yield is only a microtask, so the work takes turns on the event loop (longLoopTurns) to leave room for others.
 */
export async function* subscribeEvents(opts: {
  store: EventStore;
  bus: Bus;
  filter: EventFilter;
  lastEventId: string | null | undefined;
  signal: AbortSignal | undefined;
  socket: DrainableSocket | null;
  /** Told how long after its receipt each live event went out (subscription lag, for /metrics). */
  onLiveSent?: ((lagMs: number) => void) | undefined;
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
  let cursor = Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : await store.lastSeq();
  let replay = Number.isSafeInteger(parsed);
  try {
    while (!signal?.aborted) {
      if (replay || overflowed) {
        replay = false;
        overflowed = false;
        live.length = 0;
        for (;;) {
          const rows = await store.readAfter({ sessionId: filter.sessionId, afterSeq: cursor, limit: REPLAY_PAGE });
          for (const row of rows) {
            cursor = row.seq;
            if (!matches(filter, row)) continue;
            await longLoopTurns.pause();
            await waitForDrain(opts.socket, signal);
            if (signal?.aborted) return;
            yield tracked(String(row.seq), row);
          }
          if (rows.length < REPLAY_PAGE) break;
          await longLoopTurns.pause();
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
      // A small burst goes out at once (no extra loop turn on the live path); a backlog takes turns like a replay.
      if (live.length >= REPLAY_PAGE) await longLoopTurns.pause();
      await waitForDrain(opts.socket, signal);
      if (signal?.aborted) return;
      opts.onLiveSent?.(Date.now() - next.receivedAt);
      yield tracked(String(next.seq), next);
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener("abort", onAbort);
  }
}
