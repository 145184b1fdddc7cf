/**
 * Reads a session's whole history forward, page by page (`event.timeline` with `after`), up to the newest seq
 * at the start; the caller then follows live events from that seq. Used by the charts and the replay.
 */
import type { Api, TimelineEvent } from "../api/types.ts";

export const HISTORY_PAGE = 500;

export interface HistoryOptions {
  sessionId: string;
  types?: string[] | undefined;
  agentId?: string | undefined;
  /** Start after this seq (0: from the beginning). */
  after?: number;
  /** Stop reading once this many events were delivered (bounded memory for huge sessions). */
  maxEvents?: number;
  signal?: AbortSignal;
  onPage(events: TimelineEvent[], progress: { loaded: number; lastSeq: number }): void;
}

/** Resolves with the newest seq stored when reading began (subscribe after it) and whether the cap cut it short. */
export async function readHistory(api: Api, options: HistoryOptions): Promise<{ lastSeq: number; truncated: boolean; loaded: number }> {
  let after = options.after ?? 0;
  let loaded = 0;
  let lastSeq: number | null = null;
  for (;;) {
    if (options.signal?.aborted) throw new DOMException("aborted", "AbortError");
    const page = await api.event.timeline.query(
      { sessionId: options.sessionId, after, limit: HISTORY_PAGE, types: options.types?.length ? options.types : undefined, agentId: options.agentId },
      { signal: options.signal },
    );
    lastSeq ??= page.lastSeq;
    // Only what existed when reading began: newer events come from the live subscription.
    const events = page.events.filter((e) => e.seq <= lastSeq!);
    loaded += events.length;
    if (events.length > 0) options.onPage(events, { loaded, lastSeq });
    const last = page.events.at(-1)?.seq;
    if (!page.hasMoreAfter || last === undefined || last >= lastSeq) return { lastSeq, truncated: false, loaded };
    if (options.maxEvents !== undefined && loaded >= options.maxEvents) return { lastSeq, truncated: true, loaded };
    after = last;
  }
}
