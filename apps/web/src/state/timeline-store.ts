/**
 * A session's live timeline: the newest page from `event.timeline`, older pages on demand, and `event.subscribe`
 * resumed from the newest seq loaded, so nothing is missed or shown twice. Live events are buffered and applied
 * through the pure reducer once per animation frame.
 *
 * Not router data (`query`): it is stateful and live, and a cached page would be stale the moment it was read.
 */
import { createEffect, createMemo, createSignal, on, onCleanup, untrack, type Accessor } from "solid-js";
import type { TimelineEvent } from "../api/types.ts";
import { useApi } from "../providers/api.tsx";
import { useConnection } from "../providers/connection.tsx";
import { markFirstRender, recordFlush } from "../lib/perf.ts";
import { createFrameBatcher } from "./frame-batcher.ts";
import {
  DEFAULT_TIMELINE_CAP,
  applyEvents,
  applyOlderPage,
  createTimelineState,
  newestSeq,
  type TimelineFilter,
  type TimelineState,
} from "./timeline-reducer.ts";

export interface TimelineQuery extends TimelineFilter {
  sessionId: string;
  types?: string[] | undefined;
}

export type TimelinePhase = "loading" | "ready" | "error";

export interface Timeline {
  state: Accessor<TimelineState>;
  phase: Accessor<TimelinePhase>;
  error: Accessor<unknown>;
  /** The live subscription is confirmed by the server (and not reconnecting). */
  live: Accessor<boolean>;
  loadingOlder: Accessor<boolean>;
  canLoadOlder: Accessor<boolean>;
  loadOlder(): Promise<void>;
  reload(): Promise<void>;
}

export const PAGE_SIZE = 200;

export function createTimeline(
  query: Accessor<TimelineQuery>,
  options: { cap?: number; pageSize?: number; onLiveEvents?: (events: TimelineEvent[]) => void } = {},
): Timeline {
  const api = useApi();
  const connection = useConnection();
  const cap = options.cap ?? DEFAULT_TIMELINE_CAP;
  const pageSize = options.pageSize ?? PAGE_SIZE;

  const [state, setState] = createSignal<TimelineState>(createTimelineState({ cap }));
  const [phase, setPhase] = createSignal<TimelinePhase>("loading");
  const [error, setError] = createSignal<unknown>(null);
  const [live, setLive] = createSignal(false);
  const [loadingOlder, setLoadingOlder] = createSignal(false);

  const batcher = createFrameBatcher<TimelineEvent>((events) => {
    recordFlush(events.length);
    setState((current) => applyEvents(current, events));
    options.onLiveEvents?.(events);
  });

  /** Bumped on every reload and on unmount: late answers of a superseded load are dropped. */
  let generation = 0;
  let stopSubscription: (() => void) | null = null;

  const serverQuery = (q: TimelineQuery) => ({
    sessionId: q.sessionId,
    agentId: q.agentId || undefined,
    types: q.types?.length ? q.types : undefined,
    text: q.text?.trim() || undefined,
  });

  function subscribe(gen: number, q: TimelineQuery, cursor: number): void {
    const tracker = connection.track();
    const { sessionId, agentId, types } = serverQuery(q);
    const subscription = api.event.subscribe.subscribe(
      // The server filters by session, agent and types; free text is applied by the reducer.
      { sessionId, agentId, types, lastEventId: String(cursor) },
      {
        onStarted() {
          tracker.onStarted();
          setLive(true);
        },
        onConnectionStateChange(change) {
          tracker.onConnectionStateChange(change);
          if (change.state === "connecting") setLive(false);
        },
        onError(err) {
          tracker.onError(err);
          setLive(false);
          setError(err);
        },
        onData({ data }) {
          if (gen === generation) batcher.push(data);
        },
      },
    );
    stopSubscription = () => {
      subscription.unsubscribe();
      tracker.dispose();
    };
  }

  async function reload(): Promise<void> {
    const gen = ++generation;
    stopSubscription?.();
    stopSubscription = null;
    batcher.clear();
    setLive(false);
    setLoadingOlder(false);
    setPhase("loading");
    setError(null);
    const q = untrack(query);
    const filter: TimelineFilter = { agentId: q.agentId, types: q.types, text: q.text };
    try {
      // The page carries the newest seq stored when it was read: if no event matches yet, the subscription
      // still starts there (not at "whenever it connects"), so an event committed in between is not lost.
      const page = await api.event.timeline.query({ ...serverQuery(q), limit: pageSize });
      if (gen !== generation) return;
      const next = createTimelineState({ events: page.events, filter, cap, hasMoreBefore: page.hasMoreBefore });
      setState(next);
      setPhase("ready");
      markFirstRender(next.events.length);
      subscribe(gen, q, Math.max(page.lastSeq, newestSeq(next)));
    } catch (err) {
      if (gen !== generation) return;
      setError(err);
      setPhase("error");
    }
  }

  const canLoadOlder = () => {
    const s = state();
    return phase() === "ready" && s.hasMoreBefore && s.events.length > 0 && s.events.length < s.cap;
  };

  async function loadOlder(): Promise<void> {
    if (!canLoadOlder() || loadingOlder()) return;
    const oldest = state().events[0]!.seq;
    const gen = generation;
    setLoadingOlder(true);
    try {
      const page = await api.event.timeline.query({ ...serverQuery(untrack(query)), before: oldest, limit: pageSize });
      if (gen === generation) setState((current) => applyOlderPage(current, page));
    } catch (err) {
      if (gen === generation) setError(err);
    } finally {
      if (gen === generation) setLoadingOlder(false);
    }
  }

  // Any change of session or filter: new page, new subscription.
  const key = createMemo(() => JSON.stringify(serverQuery(query())));
  createEffect(on(key, () => void reload()));
  onCleanup(() => {
    generation++;
    stopSubscription?.();
    batcher.clear();
  });

  return { state, phase, error, live, loadingOlder, canLoadOlder, loadOlder, reload };
}
