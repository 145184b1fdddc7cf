/**
 * Replay of a session's history: the events (from `event.timeline` pages, oldest first), a monotonic clock
 * over them, and the roster state at any position, folded with the same reducer as the live roster.
 * Seeking is cheap at any size: the fold is checkpointed every `CHECKPOINT_EVERY` events.
 *
 * A position is the number of events played (0 … events.length); the current event is `events[position - 1]`.
 */
import { applyActivity, emptyActivity, type ActivityEvent, type ActivityState } from "./activity.ts";

export const CHECKPOINT_EVERY = 1_000;

export interface ReplayIndex<E extends ActivityEvent> {
  readonly events: readonly E[];
  /** `times[i]`: the replay clock when event i plays (running max of receivedAt, so it never goes back). */
  readonly times: readonly number[];
  /** `checkpoints[k]`: the fold of the first k × CHECKPOINT_EVERY events. */
  readonly checkpoints: readonly ActivityState[];
}

export function createReplayIndex<E extends ActivityEvent>(): ReplayIndex<E> {
  return { events: [], times: [], checkpoints: [emptyActivity] };
}

/** Appends the next page (events newer than any held; older or repeated seqs are ignored). */
export function appendReplayEvents<E extends ActivityEvent>(index: ReplayIndex<E>, page: readonly E[]): ReplayIndex<E> {
  const lastSeq = index.events.at(-1)?.seq ?? 0;
  const fresh = page.filter((e) => e.seq > lastSeq).sort((a, b) => a.seq - b.seq);
  if (fresh.length === 0) return index;
  const events = index.events.concat(fresh);
  const times = index.times.slice();
  let clock = times.at(-1) ?? Number.NEGATIVE_INFINITY;
  for (const event of fresh) {
    clock = Math.max(clock, event.receivedAt);
    times.push(clock);
  }
  const checkpoints = index.checkpoints.slice();
  let state = checkpoints.at(-1)!;
  for (let k = checkpoints.length; k * CHECKPOINT_EVERY <= events.length; k++) {
    state = applyActivity(state, events.slice((k - 1) * CHECKPOINT_EVERY, k * CHECKPOINT_EVERY));
    checkpoints.push(state);
  }
  return { events, times, checkpoints };
}

/** The roster state after `position` events. */
export function activityAt<E extends ActivityEvent>(index: ReplayIndex<E>, position: number): ActivityState {
  const p = Math.max(0, Math.min(position, index.events.length));
  const k = Math.min(Math.floor(p / CHECKPOINT_EVERY), index.checkpoints.length - 1);
  return applyActivity(index.checkpoints[k]!, index.events.slice(k * CHECKPOINT_EVERY, p));
}

/** How many events have played by replay time `time` (binary search over the monotonic clock). */
export function positionAt(index: ReplayIndex<ActivityEvent>, time: number): number {
  let lo = 0;
  let hi = index.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (index.times[mid]! <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The replay clock at a position: when its current event played (or just before the first one). */
export function timeAt(index: ReplayIndex<ActivityEvent>, position: number): number {
  if (index.times.length === 0) return 0;
  if (position <= 0) return index.times[0]! - 1;
  return index.times[Math.min(position, index.times.length) - 1]!;
}

export const REPLAY_SPEEDS = [1, 10, 100] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/**
 * Moves the replay clock on by `elapsedMs` of real time at `speed`. With `maxGapMs`, a quiet stretch longer
 * than that (in session time) before the next event is skipped, so an idle hour does not play for an hour.
 */
export function advanceClock(clock: number, elapsedMs: number, speed: number, nextEventAt: number | null, maxGapMs: number | null): number {
  let next = clock;
  if (nextEventAt !== null && maxGapMs !== null && nextEventAt - next > maxGapMs) next = nextEventAt - maxGapMs;
  return next + Math.max(0, elapsedMs) * speed;
}
