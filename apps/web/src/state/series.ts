/**
 * Time series for the session charts: events per time bucket (activity) and cumulative cost, per agent and in
 * total. Events are added incrementally (history pages, then live ones); memory is bounded by the number of
 * buckets, not events: when there would be more than `maxBuckets`, buckets double in width.
 */
export interface SeriesEvent {
  seq: number;
  receivedAt: number;
  agentId: string | null;
  costUsd: number | null;
}

export interface SeriesState {
  readonly bucketMs: number;
  readonly maxBuckets: number;
  /** Start of the first bucket (ms), null while empty. */
  readonly start: number | null;
  /** Events per bucket. */
  readonly counts: readonly number[];
  /** Cost added in each bucket, in total and per agent. */
  readonly cost: readonly number[];
  readonly costByAgent: Readonly<Record<string, readonly number[]>>;
  readonly lastSeq: number;
  readonly events: number;
}

export function createSeries(options: { bucketMs?: number; maxBuckets?: number } = {}): SeriesState {
  return {
    bucketMs: options.bucketMs ?? 1_000,
    maxBuckets: options.maxBuckets ?? 600,
    start: null,
    counts: [],
    cost: [],
    costByAgent: {},
    lastSeq: 0,
    events: 0,
  };
}

function halve(values: readonly number[], offset: number): number[] {
  // Merge pairs of buckets; `offset` 1 means the first bucket starts in the second half of a new bucket.
  const out: number[] = [];
  for (let i = -offset; i < values.length; i += 2) out.push((values[i] ?? 0) + (values[i + 1] ?? 0));
  return out;
}

/** Adds events (any order within the call; those at or below `lastSeq` are skipped). */
export function addToSeries(state: SeriesState, events: readonly SeriesEvent[]): SeriesState {
  const fresh = events.filter((e) => e.seq > state.lastSeq);
  if (fresh.length === 0) return state;
  let { bucketMs, start } = state;
  let counts = [...state.counts];
  let cost = [...state.cost];
  let byAgent: Record<string, number[]> = Object.fromEntries(Object.entries(state.costByAgent).map(([k, v]) => [k, [...v]]));
  let lastSeq = state.lastSeq;
  for (const event of fresh) {
    lastSeq = Math.max(lastSeq, event.seq);
    if (start === null) start = Math.floor(event.receivedAt / bucketMs) * bucketMs;
    // An event older than the first bucket (clock skew, out-of-order pages): shift the series left.
    if (event.receivedAt < start) {
      const shift = Math.ceil((start - event.receivedAt) / bucketMs);
      const pad = new Array<number>(shift).fill(0);
      counts = [...pad, ...counts];
      cost = [...pad, ...cost];
      byAgent = Object.fromEntries(Object.entries(byAgent).map(([k, v]) => [k, [...pad, ...v]]));
      start -= shift * bucketMs;
    }
    let index = Math.floor((event.receivedAt - start) / bucketMs);
    while (index >= state.maxBuckets) {
      // Too many buckets: double their width, aligned so bucket starts stay multiples of the width.
      const width = bucketMs * 2;
      const first: number = start;
      const aligned = Math.floor(first / width) * width;
      const offset = aligned === first ? 0 : 1;
      counts = halve(counts, offset);
      cost = halve(cost, offset);
      byAgent = Object.fromEntries(Object.entries(byAgent).map(([k, v]) => [k, halve(v, offset)]));
      bucketMs = width;
      start = aligned;
      index = Math.floor((event.receivedAt - aligned) / bucketMs);
    }
    while (counts.length <= index) counts.push(0);
    while (cost.length <= index) cost.push(0);
    counts[index]! += 1;
    if (event.costUsd) {
      cost[index]! += event.costUsd;
      const key = event.agentId ?? "";
      const series = (byAgent[key] ??= []);
      while (series.length <= index) series.push(0);
      series[index]! += event.costUsd;
    }
  }
  return { ...state, bucketMs, start, counts, cost, costByAgent: byAgent, lastSeq, events: state.events + fresh.length };
}

/** uPlot data: x in seconds, events per bucket, cumulative cost in total and per agent (in `agentIds` order). */
export function seriesData(state: SeriesState, agentIds: readonly string[]): { x: number[]; counts: number[]; cost: number[]; costByAgent: number[][] } {
  const n = state.counts.length;
  const x = Array.from({ length: n }, (_, i) => ((state.start ?? 0) + i * state.bucketMs) / 1000);
  const cumulative = (values: readonly number[] | undefined) => {
    let sum = 0;
    return Array.from({ length: n }, (_, i) => (sum += values?.[i] ?? 0));
  };
  return {
    x,
    counts: Array.from({ length: n }, (_, i) => state.counts[i] ?? 0),
    cost: cumulative(state.cost),
    costByAgent: agentIds.map((id) => cumulative(state.costByAgent[id])),
  };
}
