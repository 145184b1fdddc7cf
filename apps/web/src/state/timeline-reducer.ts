/**
 * What a timeline shows: the filter rules the page applies to live events (the server applies the same ones to
 * `event.window` and `event.timeline`), and a seq lookup in a sorted list. No Solid, no DOM, no I/O; the rows by
 * position are in timeline-window.ts.
 */
import type { TimelineEvent } from "../api/types.ts";

/** The fields the filter reads; tests build just these, the app passes whole `TimelineEvent`s. */
export type TimelineItem = Pick<TimelineEvent, "seq" | "agentId" | "type" | "toolName" | "filePath" | "summary"> & Partial<Pick<TimelineEvent, "taskId">>;

export interface TimelineFilter {
  agentId?: string | undefined;
  /** One task's events (`?task=` from a task's card). */
  taskId?: string | undefined;
  /** Any of these event types (e.g. `tool.started`); empty or missing means all. */
  types?: readonly string[] | undefined;
  /** Case-insensitive substring of summary, tool, file path or type (what `event.window`'s `text` searches). */
  text?: string | undefined;
}

/** Whether an event passes the filter. The server applies the same rules to `event.window` and `event.timeline`. */
export function matchesFilter(event: TimelineItem, filter: TimelineFilter): boolean {
  if (filter.agentId && event.agentId !== filter.agentId) return false;
  if (filter.taskId && event.taskId !== filter.taskId) return false;
  if (filter.types && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  const text = filter.text?.trim().toLowerCase();
  if (text) {
    const haystacks = [event.summary, event.toolName, event.filePath, event.type];
    if (!haystacks.some((value) => value?.toLowerCase().includes(text))) return false;
  }
  return true;
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
