import type { CommandPage, EventHistogram, EventSummary, FullEvent, TimelinePage, TimelineQuery } from "./types.ts";

/** Both stores shape their query results here, so SQLite and Postgres answer alike. */

/** A page from `limit + 1` rows read in `forward` (ascending) or backward order. */
export function timelinePage(rows: EventSummary[], query: TimelineQuery, forward: boolean, lastSeq: number): TimelinePage {
  const hasMore = rows.length > query.limit;
  if (hasMore) rows.pop();
  if (!forward) rows.reverse();
  return forward
    ? { events: rows, lastSeq, hasMoreAfter: hasMore, hasMoreBefore: query.after !== undefined && query.after > 0 }
    : { events: rows, lastSeq, hasMoreBefore: hasMore, hasMoreAfter: query.before !== undefined };
}

/** How many of `limit + 1` rows a run-log page keeps: at most `limit`, ending once past the payload budget. */
export function commandPageLength(rows: { payloadSize: number }[], limit: number, maxPayloadBytes: number): number {
  let kept = Math.min(rows.length, limit);
  let bytes = 0;
  for (let i = 0; i < kept; i++) {
    bytes += rows[i]!.payloadSize;
    if (bytes > maxPayloadBytes && i > 0) kept = i;
  }
  return kept;
}

export function commandPage(events: FullEvent[], rowsRead: number): CommandPage {
  return { events, hasMore: rowsRead > events.length };
}

/** Bucket width (1 s doubled until the range fits `maxBuckets`) and the aligned start, for a session's time range. */
export function histogramBuckets(first: number, last: number, maxBuckets: number): { bucketMs: number; start: number; size: number } {
  let bucketMs = 1_000;
  let start = Math.floor(first / bucketMs) * bucketMs;
  while (Math.floor((last - start) / bucketMs) >= maxBuckets) {
    bucketMs *= 2;
    start = Math.floor(first / bucketMs) * bucketMs;
  }
  return { bucketMs, start, size: Math.floor((last - start) / bucketMs) + 1 };
}

/** Folds per (bucket, agent) rows into the histogram's series. */
export function foldHistogram(
  rows: { bucket: number; agentId: string | null; events: number; cost: number }[],
  buckets: { bucketMs: number; start: number; size: number },
  meta: { maxBuckets: number; lastSeq: number; events: number },
): EventHistogram {
  const { bucketMs, start, size } = buckets;
  const counts = new Array<number>(size).fill(0);
  const cost = new Array<number>(size).fill(0);
  const costByAgent: Record<string, number[]> = {};
  for (const row of rows) {
    counts[row.bucket]! += row.events;
    if (row.cost) {
      cost[row.bucket]! += row.cost;
      (costByAgent[row.agentId ?? ""] ??= new Array<number>(size).fill(0))[row.bucket]! += row.cost;
    }
  }
  return { bucketMs, maxBuckets: meta.maxBuckets, start, counts, cost, costByAgent, lastSeq: meta.lastSeq, events: meta.events };
}
