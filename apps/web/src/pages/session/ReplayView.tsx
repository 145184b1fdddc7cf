import { useSearchParams } from "@solidjs/router";
import { For, Show, createEffect, createMemo, createSignal, on, onCleanup, untrack } from "solid-js";
import type { Agent, TimelineEvent } from "../../api/types.ts";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { formatClock, formatCount } from "../../lib/format.ts";
import { useApi } from "../../providers/api.tsx";
import { useShortcuts } from "../../providers/shortcuts.tsx";
import { readHistory } from "../../state/history.ts";
import { REPLAY_SPEEDS, activityAt, advanceClock, appendReplayEvents, createReplayIndex, positionAt, timeAt, type ReplayIndex, type ReplaySpeed } from "../../state/replay.ts";
import { indexOfSeq } from "../../state/timeline-reducer.ts";
import { rowsOfList } from "../../state/timeline-window-store.ts";
import { AgentRoster } from "./AgentRoster.tsx";
import { InspectorPanel } from "./EventInspector.tsx";
import { Timeline } from "./Timeline.tsx";

/** Events held for a replay (its summaries only); larger sessions replay their first part. */
export const REPLAY_MAX_EVENTS = 200_000;
/** Rows of the replayed timeline kept on screen. */
const REPLAY_WINDOW = 2_000;
/** Quiet stretches longer than this (session time) are shortened to it when skipping gaps. */
const MAX_GAP_MS = 2_000;
/** While playing, the inspector catches up with the position at most this often. */
const INSPECTOR_FOLLOW_MS = 400;

function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/**
 * Replay of the session from its stored history (`event.timeline` pages, not the live subscription): play at
 * 1×, 10× or 100× from any point, scrub, step event by event. The roster and the inspector show the moment the
 * replay is at. The position is in the URL (`?view=replay&at=<seq>`) while paused.
 */
export function ReplayView(props: { sessionId: string; agents: readonly Agent[]; hueOf: (agentId: string) => number }) {
  const api = useApi();
  const [search, setSearch] = useSearchParams<{ at?: string; view?: string }>();
  const [index, setIndex] = createSignal<ReplayIndex<TimelineEvent>>(createReplayIndex());
  const [loading, setLoading] = createSignal(true);
  const [truncated, setTruncated] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [clock, setClock] = createSignal(0);
  const [playing, setPlaying] = createSignal(false);
  const [speed, setSpeed] = createSignal<ReplaySpeed>(10);
  const [skipGaps, setSkipGaps] = createSignal(true);

  const events = () => index().events;
  // The position is its own state: several events can share a millisecond, and stepping must reach each one.
  const [position, setPosition] = createSignal(0);
  /** Moves the clock; the position follows it. */
  const setTime = (time: number) => {
    setClock(time);
    setPosition(positionAt(index(), time));
  };
  const current = () => events()[position() - 1] ?? null;
  const start = () => index().times[0] ?? 0;
  const end = () => index().times.at(-1) ?? 0;

  // History, page by page; playback can start while later pages load. Read once: the session page remounts
  // this view (keyed) when the session changes.
  const sessionId = untrack(() => props.sessionId);
  const controller = new AbortController();
  onCleanup(() => controller.abort());
  void (async () => {
    try {
      const result = await readHistory(api, {
        sessionId,
        maxEvents: REPLAY_MAX_EVENTS,
        signal: controller.signal,
        onPage(page) {
          const first = index().events.length === 0;
          setIndex((i) => appendReplayEvents(i, page));
          if (first && !seekToUrl()) setTime(timeAt(index(), 0));
        },
      });
      setTruncated(result.truncated);
    } catch (err) {
      if (!controller.signal.aborted) setError(err);
    } finally {
      setLoading(false);
    }
  })();

  /** Seeks to the URL's `at` seq when it is loaded; true if it did. */
  function seekToUrl(): boolean {
    const at = Number(search.at);
    if (!search.at || !Number.isSafeInteger(at)) return false;
    const i = indexOfSeq(events(), at);
    if (i < 0) return false;
    setClock(timeAt(index(), i + 1));
    setPosition(i + 1);
    return true;
  }
  // A click on a replayed row (its link sets `at`) moves the replay there.
  createEffect(on(() => search.at, () => !playing() && seekToUrl(), { defer: true }));

  function seekPosition(p: number) {
    const clamped = Math.max(0, Math.min(events().length, p));
    setClock(timeAt(index(), clamped));
    setPosition(clamped);
    rememberPosition(clamped);
  }
  function rememberPosition(p = position()) {
    const seq = events()[p - 1]?.seq;
    setSearch({ at: seq === undefined ? undefined : String(seq) }, { replace: true });
  }

  const [inspected, setInspected] = createSignal<number | null>(null);
  let followTimer: ReturnType<typeof setTimeout> | undefined;

  // Playback: one clock step per animation frame.
  let frame = 0;
  let last = 0;
  function tick(now: number) {
    const elapsed = last ? Math.min(now - last, 250) : 0;
    last = now;
    const next = events()[position()];
    const nextAt = next ? index().times[position()]! : null;
    const moved = advanceClock(clock(), elapsed, speed(), nextAt, skipGaps() ? MAX_GAP_MS : null);
    setTime(moved);
    if (position() >= events().length && !loading()) {
      setPlaying(false);
      rememberPosition();
      return;
    }
    frame = requestAnimationFrame(tick);
  }
  createEffect(
    on(playing, (on) => {
      cancelAnimationFrame(frame);
      last = 0;
      if (on) {
        if (position() >= events().length) setTime(timeAt(index(), 0));
        frame = requestAnimationFrame(tick);
      } else {
        if (events().length > 0) rememberPosition();
        clearTimeout(followTimer);
        followTimer = undefined;
        setInspected(current()?.seq ?? null);
      }
    }),
  );
  onCleanup(() => cancelAnimationFrame(frame));

  // The inspector follows the position: at once when paused, a few times a second while playing.
  createEffect(
    on(current, (event) => {
      const seq = event?.seq ?? null;
      if (!playing()) {
        clearTimeout(followTimer);
        followTimer = undefined;
        setInspected(seq);
      } else followTimer ??= setTimeout(() => {
        followTimer = undefined;
        setInspected(current()?.seq ?? null);
      }, INSPECTOR_FOLLOW_MS);
    }),
  );
  onCleanup(() => clearTimeout(followTimer));

  // The roster at the replay position: each agent's status, activity, cost and tokens folded from history.
  const activity = createMemo(() => activityAt(index(), position()));
  const agentsThen = createMemo(() =>
    props.agents.map((agent) => {
      const a = activity().agents[agent.id];
      return {
        ...agent,
        status: a?.status ?? (a ? "active" : "not started"),
        costUsd: a?.costUsd ?? 0,
        inputTokens: a?.inputTokens ?? 0,
        outputTokens: a?.outputTokens ?? 0,
        lastEventAt: a ? new Date(a.lastEventAt).toISOString() : null,
        lastError: null,
      };
    }),
  );
  const replayNow = () => (current() ? index().times[position() - 1]! : start());

  // The replayed timeline: the last rows up to the position, through the same component as the live one.
  const shown = createMemo(() => events().slice(Math.max(0, position() - REPLAY_WINDOW), position()));
  // eslint-disable-next-line solid/reactivity -- an accessor on purpose: the Timeline reads it in its own tracked scopes
  const view = rowsOfList(() => shown(), { phase: () => (loading() && events().length === 0 ? "loading" : "ready"), error });
  const hrefFor = (seq: number) => `/sessions/${encodeURIComponent(props.sessionId)}?view=replay&at=${seq}`;

  const cycleSpeed = (delta: number) => {
    const i = REPLAY_SPEEDS.indexOf(speed());
    setSpeed(REPLAY_SPEEDS[Math.max(0, Math.min(REPLAY_SPEEDS.length - 1, i + delta))]!);
  };
  useShortcuts([
    { keys: "Space", description: "Play / pause", group: "Replay", run: () => setPlaying(!playing()) },
    { keys: ".", description: "Next event", group: "Replay", run: () => seekPosition(position() + 1) },
    { keys: ",", description: "Previous event", group: "Replay", run: () => seekPosition(position() - 1) },
    { keys: "]", description: "Faster (1×, 10×, 100×)", group: "Replay", run: () => cycleSpeed(1) },
    { keys: "[", description: "Slower", group: "Replay", run: () => cycleSpeed(-1) },
  ]);

  const span = () => Math.max(1, end() - start());
  return (
    <div class="replay">
      <section class="replay-controls card" aria-label="Replay controls">
        <button type="button" class="button primary" onClick={() => setPlaying(!playing())} disabled={events().length === 0} aria-keyshortcuts="Space">
          {playing() ? "❚❚ Pause" : position() >= events().length && events().length > 0 && !loading() ? "↺ Replay" : "▶ Play"}
        </button>
        <button type="button" class="button small" onClick={() => seekPosition(position() - 1)} disabled={position() === 0} aria-label="Previous event">
          ◀
        </button>
        <button type="button" class="button small" onClick={() => seekPosition(position() + 1)} disabled={position() >= events().length} aria-label="Next event">
          ▶
        </button>
        <div class="speed" role="radiogroup" aria-label="Speed">
          <For each={REPLAY_SPEEDS}>
            {(s) => (
              <button type="button" role="radio" class="button small" aria-checked={speed() === s} onClick={() => setSpeed(s)}>
                {s}×
              </button>
            )}
          </For>
        </div>
        <label class="check small">
          <input type="checkbox" checked={skipGaps()} onChange={(e) => setSkipGaps(e.currentTarget.checked)} /> Skip idle gaps
        </label>
        <div class="scrubber">
          <label for="replay-scrubber" class="visually-hidden">
            Replay position
          </label>
          <input
            id="replay-scrubber"
            type="range"
            min={0}
            max={span()}
            step={Math.max(1, Math.round(span() / 1000))}
            value={Math.max(0, Math.min(span(), clock() - start()))}
            disabled={events().length === 0}
            aria-valuetext={`${formatSpan(clock() - start())} of ${formatSpan(span())}, event ${position()} of ${events().length}`}
            onInput={(e) => {
              setTime(start() + Number(e.currentTarget.value));
            }}
            onChange={() => !playing() && rememberPosition()}
          />
        </div>
        <span class="replay-status small" role="status" data-position={position()} data-total={events().length}>
          <time>{formatSpan(clock() - start())}</time> / {formatSpan(span())} · event {formatCount(position())} of {formatCount(events().length)}
          {loading() ? " (loading…)" : ""}
          {truncated() ? ` (first ${formatCount(REPLAY_MAX_EVENTS)})` : ""}
        </span>
      </section>
      <Show when={error()}>{(err) => <ErrorNotice error={err()} title="Could not load the history" />}</Show>
      <div class="session-grid replay-grid">
        <div class="session-side">
          <AgentRoster agents={agentsThen()} hueOf={props.hueOf} selectedAgentId="" onSelect={() => undefined} activity={activity()} now={replayNow} readOnly />
        </div>
        <div class="session-main">
          <Timeline
            rows={view}
            agents={new Map(props.agents.map((a) => [a.id, a] as const))}
            hueOf={props.hueOf}
            selectedSeq={current()?.seq ?? null}
            hrefFor={hrefFor}
            select={(seq) => {
              const i = indexOfSeq(events(), seq);
              if (i >= 0) seekPosition(i + 1);
            }}
            title="Replay"
            emptyText="No events replayed yet: press Play or move the scrubber to step through the recorded session."
            statusLabel={current() ? `at ${formatClock(current()!.receivedAt)}` : "at the start"}
          />
        </div>
        <Show when={inspected()} fallback={<aside class="inspector muted pad">The inspector shows the event the replay is at.</aside>}>
          {(seq) => <InspectorPanel seq={seq()} sessionId={props.sessionId} title={`Replay at event #${seq()}`} />}
        </Show>
      </div>
    </div>
  );
}
