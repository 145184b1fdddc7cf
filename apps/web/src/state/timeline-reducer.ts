/**
 * The timeline's state and the pure functions that change it. No Solid, no DOM, no I/O: the live subscription,
 * older pages and filter changes all go through here, and the unit tests pin what they do.
 *
 * Events are immutable once committed (the server never edits one), so the list holds the objects it was given;
 * a `<For>` over it keeps the DOM of every row whose object is unchanged.
 */
import type { TimelineEvent } from "../api/types.ts";

/** The fields the reducer reads; tests build just these, the app passes whole `TimelineEvent`s. */
export type TimelineItem = Pick<TimelineEvent, "seq" | "agentId" | "type" | "toolName" | "filePath" | "summary">;

export interface TimelineFilter {
  agentId?: string | undefined;
  /** Any of these event types (e.g. `tool.started`); empty or missing means all. */
  types?: readonly string[] | undefined;
  /** Case-insensitive substring of summary, tool, file path or type (what `event.timeline`'s `text` searches). */
  text?: string | undefined;
}

export interface TimelineState<E extends TimelineItem = TimelineEvent> {
  /** Ascending by seq, no two with the same seq, at most `cap`. */
  readonly events: readonly E[];
  readonly filter: TimelineFilter;
  readonly cap: number;
  /** The server has (or had, before the cap dropped them) older events matching the filter. */
  readonly hasMoreBefore: boolean;
}

export const DEFAULT_TIMELINE_CAP = 5_000;

export function createTimelineState<E extends TimelineItem>(init: {
  events?: readonly E[];
  filter?: TimelineFilter;
  cap?: number;
  hasMoreBefore?: boolean;
} = {}): TimelineState<E> {
  const cap = Math.max(1, init.cap ?? DEFAULT_TIMELINE_CAP);
  const empty: TimelineState<E> = { events: [], filter: init.filter ?? {}, cap, hasMoreBefore: init.hasMoreBefore ?? false };
  // A page from the server is already filtered; it goes through the same merge so order, dedupe and cap hold.
  return init.events?.length ? mergeInto(empty, init.events) : empty;
}

/** Whether an event passes the filter. The server applies the same rules to `event.timeline` pages. */
export function matchesFilter(event: TimelineItem, filter: TimelineFilter): boolean {
  if (filter.agentId && event.agentId !== filter.agentId) return false;
  if (filter.types && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  const text = filter.text?.trim().toLowerCase();
  if (text) {
    const haystacks = [event.summary, event.toolName, event.filePath, event.type];
    if (!haystacks.some((value) => value?.toLowerCase().includes(text))) return false;
  }
  return true;
}

/**
 * Live events in: drops those the filter rejects and those already held, keeps ascending seq, then trims to the
 * cap by dropping the oldest. Returns the same state object when nothing changed.
 */
export function applyEvents<E extends TimelineItem>(state: TimelineState<E>, incoming: readonly E[]): TimelineState<E> {
  const accepted = incoming.filter((event) => matchesFilter(event, state.filter));
  return accepted.length === 0 ? state : mergeInto(state, accepted);
}

/**
 * An older page in (from `event.timeline` with `before`): already filtered by the server. `hasMoreBefore` comes
 * from the page unless the cap had to drop some of it.
 */
export function applyOlderPage<E extends TimelineItem>(
  state: TimelineState<E>,
  page: { events: readonly E[]; hasMoreBefore: boolean },
): TimelineState<E> {
  const next = page.hasMoreBefore === state.hasMoreBefore ? state : { ...state, hasMoreBefore: page.hasMoreBefore };
  return mergeInto(next, page.events);
}

/** The seq the live subscription resumes after: the newest one held (0 when empty). */
export function newestSeq(state: TimelineState<TimelineItem>): number {
  return state.events.at(-1)?.seq ?? 0;
}

/** Index of the event with this seq, or -1 (binary search: events are sorted by seq). */
export function indexOfSeq(events: readonly TimelineItem[], seq: number): number {
  let lo = 0;
  let hi = events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = events[mid]!.seq;
    if (at === seq) return mid;
    if (at < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function mergeInto<E extends TimelineItem>(state: TimelineState<E>, incoming: readonly E[]): TimelineState<E> {
  if (incoming.length === 0) return state;
  const existing = state.events;
  let merged: E[];
  if (isStrictlyAscendingAfter(incoming, existing.at(-1)?.seq ?? Number.NEGATIVE_INFINITY)) {
    // The common live case: a burst of new events, all newer than anything held.
    merged = existing.concat(incoming);
  } else {
    const held = new Set(existing.map((event) => event.seq));
    const fresh: E[] = [];
    for (const event of incoming) {
      if (held.has(event.seq)) continue;
      held.add(event.seq);
      fresh.push(event);
    }
    if (fresh.length === 0) return state;
    fresh.sort((a, b) => a.seq - b.seq);
    merged = mergeSorted(existing, fresh);
  }
  const overflow = merged.length - state.cap;
  return {
    ...state,
    events: overflow > 0 ? merged.slice(overflow) : merged,
    hasMoreBefore: state.hasMoreBefore || overflow > 0,
  };
}

function isStrictlyAscendingAfter(events: readonly TimelineItem[], after: number): boolean {
  let previous = after;
  for (const event of events) {
    if (event.seq <= previous) return false;
    previous = event.seq;
  }
  return true;
}

/** Merges two seq-ascending lists with no seq in common. */
function mergeSorted<E extends TimelineItem>(a: readonly E[], b: readonly E[]): E[] {
  const out = new Array<E>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]!.seq < b[j]!.seq ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
