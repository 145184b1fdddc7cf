/**
 * A session page's one live event subscription: the timeline, the roster's activity and the cost charts read it
 * (each used to open its own `event.subscribe`, so every event crossed the socket and was decoded two or three
 * times). What arrives is applied to every reader in the same flush, at most every LIVE_FLUSH_MS, inside one
 * `batch` so the page updates once.
 */
import { batch, createSignal, onCleanup, type Accessor } from "solid-js";
import type { TimelineEvent } from "../api/types.ts";
import { useApi } from "../providers/api.tsx";
import { liveHandlers, useConnection } from "../providers/connection.tsx";
import { FeedFanout, type Reader } from "./feed-fanout.ts";
import { createFrameBatcher } from "./frame-batcher.ts";

/**
 * Live events reach the page at most this often: at hundreds of events a second, every frame's relayout and
 * repaint cost more than a 2-core box has, and ten updates a second read as live.
 */
export const LIVE_FLUSH_MS = 100;

export interface SessionFeed {
  /** Reads the session's events after `cursor` as they arrive (in batches, in order). Returns the detach. */
  attach(sessionId: string, cursor: number, apply: (events: readonly TimelineEvent[]) => void): () => void;
  /** The subscription is confirmed by the server (and not reconnecting). */
  live: Accessor<boolean>;
  error: Accessor<unknown>;
}

export function createSessionFeed(): SessionFeed {
  const api = useApi();
  const connection = useConnection();
  const [live, setLive] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  let sessionId = "";
  let fanout = new FeedFanout<TimelineEvent>();
  let close: (() => void) | null = null;
  const batcher = createFrameBatcher<TimelineEvent>((events) => batch(() => fanout.receive(events)), { minIntervalMs: LIVE_FLUSH_MS });

  function stop(): void {
    close?.();
    close = null;
    batcher.clear();
    setLive(false);
  }

  function open(cursor: number): void {
    stop();
    setError(null);
    const tracker = connection.track();
    const owner = fanout;
    const subscription = api.event.subscribe.subscribe(
      { sessionId, lastEventId: String(cursor) },
      {
        ...liveHandlers(tracker, setLive, setError),
        onData({ data }) {
          if (owner === fanout) batcher.push(data);
        },
      },
    );
    close = () => {
      subscription.unsubscribe();
      tracker.dispose();
    };
  }

  onCleanup(stop);

  return {
    attach(id, cursor, apply) {
      if (id !== sessionId) {
        // Another session: its readers start afresh (those of the old one are replaced as they reload).
        stop();
        sessionId = id;
        fanout = new FeedFanout<TimelineEvent>();
      }
      // What is buffered belongs before this reader's backlog: hand it out first.
      batcher.flush();
      const reader: Reader<TimelineEvent> = { cursor, apply };
      const owner = fanout;
      const reopenFrom = owner.attach(reader);
      if (reopenFrom !== null) open(reopenFrom);
      return () => {
        if (owner === fanout && owner.detach(reader)) stop();
      };
    },
    live,
    error,
  };
}
