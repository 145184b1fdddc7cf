/**
 * A session's timeline over its whole history: `event.window` gives the newest rows and the total, then any other
 * page as the operator scrolls or jumps; the session's live feed (session-feed.ts) from the window's lastSeq counts
 * on live. Live events are applied in the feed's batches through the pure state in timeline-window.ts.
 *
 * Not router data (`query`): it is stateful and live, and a cached page would be stale the moment it was read.
 */
import { createEffect, createMemo, createSignal, on, onCleanup, untrack, type Accessor } from "solid-js";
import type { TimelineEvent } from "../api/types.ts";
import { markFirstRender, recordFlush } from "../lib/perf.ts";
import { useApi } from "../providers/api.tsx";
import type { SessionFeed } from "./session-feed.ts";
import type { TimelineFilter } from "./timeline-reducer.ts";
import { applyLive, applyWindow, createWindowState, missingPages, positionOfSeq, rowAt, touchPages, WINDOW_PAGE, type WindowState } from "./timeline-window.ts";

export interface TimelineQuery extends TimelineFilter {
  sessionId: string;
  types?: string[] | undefined;
}

export type TimelinePhase = "loading" | "ready" | "error";

/** Rows by position, whatever holds them: the whole session (this store) or a list in memory (the replay). */
export interface TimelineRows {
  total: Accessor<number>;
  rowAt(position: number): TimelineEvent | undefined;
  /** Position of a loaded row, -1 when not loaded. */
  positionOf(seq: number): number;
  /** The rows in [from, to) are in view: fetch what is missing. */
  request(from: number, to: number): void;
  /** Finds an event by seq (or the next match) or the first one received at or after a time; loads its rows. */
  locate(target: { seq: number } | { time: number }): Promise<{ position: number; seq: number | null } | null>;
  /** Event types among the rows held (for the filter's suggestions). */
  seenTypes: Accessor<string[]>;
  phase: Accessor<TimelinePhase>;
  error: Accessor<unknown>;
  /** The live subscription is confirmed by the server (and not reconnecting). */
  live: Accessor<boolean>;
  reload(): Promise<void>;
}

/** Rows around a jump target fetched with it, so the target shows with its context. */
const CONTEXT_ROWS = 100;
/** Pages fetched at once; more wait for the view to settle (a dragged thumb asks for many). */
const MAX_IN_FLIGHT = 3;

export function createTimelineWindow(query: Accessor<TimelineQuery>, feed: SessionFeed): TimelineRows {
  const api = useApi();
  const [state, setState] = createSignal<WindowState<TimelineEvent> | null>(null);
  const [phase, setPhase] = createSignal<TimelinePhase>("loading");
  const [error, setError] = createSignal<unknown>(null);
  /** Reading the session's live feed (from the window's lastSeq). */
  const [attached, setAttached] = createSignal(false);

  const [seenTypes, setSeenTypes] = createSignal<string[]>([]);
  function applyLiveEvents(events: readonly TimelineEvent[]): void {
    recordFlush(events.length);
    setState((current) => current && applyLive(current, events));
    noteTypes(events);
  }

  /** Types seen since the last load, grown from what arrives (scanning every held row each frame was costly). */
  let typesSeen = new Set<string>();
  function noteTypes(events: readonly TimelineEvent[]): void {
    const before = typesSeen.size;
    for (const event of events) typesSeen.add(event.type);
    if (typesSeen.size !== before) setSeenTypes([...typesSeen]);
  }

  /** Bumped on every reload and on unmount: late answers of a superseded load are dropped. */
  let generation = 0;
  let stopSubscription: (() => void) | null = null;
  const inFlight = new Set<number>();
  let lastRequest: [number, number] | null = null;

  const serverQuery = (q: TimelineQuery) => ({
    sessionId: q.sessionId,
    agentId: q.agentId || undefined,
    taskId: q.taskId || undefined,
    types: q.types?.length ? q.types : undefined,
    text: q.text?.trim() || undefined,
  });

  async function reload(): Promise<void> {
    const gen = ++generation;
    stopSubscription?.();
    stopSubscription = null;
    setAttached(false);
    inFlight.clear();
    setPhase("loading");
    setError(null);
    typesSeen = new Set();
    setSeenTypes([]);
    const q = untrack(query);
    try {
      const answer = await api.event.window.query({ ...serverQuery(q), limit: WINDOW_PAGE });
      if (gen !== generation) return;
      setState(createWindowState(answer, { agentId: q.agentId, taskId: q.taskId, types: q.types, text: q.text }));
      noteTypes(answer.events);
      setPhase("ready");
      markFirstRender(answer.events.length);
      // The session's feed filters nothing: the window state takes the events its filter matches.
      stopSubscription = feed.attach(q.sessionId, answer.lastSeq, applyLiveEvents);
      setAttached(true);
      if (lastRequest) request(...lastRequest);
    } catch (err) {
      if (gen !== generation) return;
      setError(err);
      setPhase("error");
    }
  }

  async function fetchPage(page: number): Promise<void> {
    const gen = generation;
    inFlight.add(page);
    try {
      const answer = await api.event.window.query({ ...serverQuery(untrack(query)), position: page * WINDOW_PAGE, limit: WINDOW_PAGE });
      if (gen !== generation) return;
      inFlight.delete(page);
      setState((current) => current && applyWindow(current, answer));
      noteTypes(answer.events);
      // The view may have moved on while this was out: fetch what it needs now.
      if (lastRequest) request(...lastRequest);
    } catch (err) {
      // Not retried at once (the server may be down): the next scroll or "Retry" asks again.
      if (gen !== generation) return;
      inFlight.delete(page);
      setError(err);
    }
  }

  function request(from: number, to: number): void {
    lastRequest = [from, to];
    const current = untrack(state);
    if (!current || untrack(phase) !== "ready") return;
    const touched = touchPages(current, from, to);
    if (touched !== current) setState(touched);
    // Nearest the middle of the view first.
    const middle = (from + to) / 2 / WINDOW_PAGE;
    const wanted = missingPages(touched, from, to)
      .filter((page) => !inFlight.has(page))
      .sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
    for (const page of wanted.slice(0, Math.max(0, MAX_IN_FLIGHT - inFlight.size))) void fetchPage(page);
  }

  async function locate(target: { seq: number } | { time: number }) {
    const gen = generation;
    const current = untrack(state);
    if (current && "seq" in target) {
      const position = positionOfSeq(current, target.seq);
      if (position >= 0) return { position, seq: target.seq };
    }
    try {
      const answer = await api.event.window.query({ ...serverQuery(untrack(query)), ...target, before: CONTEXT_ROWS, limit: CONTEXT_ROWS * 2 + 1 });
      if (gen !== generation) return null;
      setState((held) => held && applyWindow(held, answer));
      noteTypes(answer.events);
      return { position: answer.anchor, seq: answer.anchorSeq };
    } catch (err) {
      if (gen === generation) setError(err);
      return null;
    }
  }

  // Any change of session or filter: new window, new subscription.
  const key = createMemo(() => JSON.stringify(serverQuery(query())));
  createEffect(on(key, () => void reload()));
  onCleanup(() => {
    generation++;
    stopSubscription?.();
  });

  return {
    total: () => state()?.total ?? 0,
    rowAt: (position) => {
      const current = state();
      return current ? rowAt(current, position) : undefined;
    },
    positionOf: (seq) => {
      const current = state();
      return current ? positionOfSeq(current, seq) : -1;
    },
    request,
    locate,
    seenTypes,
    phase,
    error: () => error() ?? (attached() ? feed.error() : null),
    live: () => attached() && feed.live(),
    reload,
  };
}

/** A list already in memory as rows (the replay shows its own events through the same component). */
export function rowsOfList(
  events: Accessor<readonly TimelineEvent[]>,
  status: { phase: Accessor<TimelinePhase>; error: Accessor<unknown> },
): TimelineRows {
  const indexOf = (seq: number) => events().findIndex((event) => event.seq === seq);
  return {
    total: () => events().length,
    rowAt: (position) => events()[position],
    positionOf: indexOf,
    request: () => undefined,
    locate: (target) => {
      const list = untrack(events);
      const i = "seq" in target ? list.findIndex((e) => e.seq >= target.seq) : list.findIndex((e) => e.receivedAt >= target.time);
      return Promise.resolve(i < 0 ? null : { position: i, seq: list[i]!.seq });
    },
    seenTypes: () => [...new Set(events().map((event) => event.type))],
    phase: status.phase,
    error: status.error,
    live: () => false,
    reload: () => Promise.resolve(),
  };
}
