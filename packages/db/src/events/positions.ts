import { setImmediate as nextTurn } from "node:timers/promises";
import type { EventFilter, EventSummary, TimelineWindow, WindowQuery } from "./types.ts";

/** Seqs are counted in chunks of this many (2^14): a position is found from the chunk sums plus one OFFSET in a chunk. */
export const POSITION_CHUNK = 16_384;
/** Filters whose counts are kept (per session + filter); the least recently used is dropped. */
const CACHE_LIMIT = 64;

/** What the positions read of a store, in its SQL dialect (identifiers in double quotes suit both stores). */
export interface PositionSource {
  /** The filter's WHERE terms and their named (`@name`) parameters. */
  where(filter: EventFilter): { where: string[]; params: Record<string, unknown> };
  all<Row>(sql: string, params: Record<string, unknown>): Promise<Row[]>;
  /** The summary columns as this store selects them. */
  summaryColumns: string;
  /**
   * Chunks one counting query covers. SQLite counts in this process, so one chunk per turn of the event loop (a
   * text filter scans rows); Postgres counts in its own processes, so all of them at once.
   */
  chunksPerQuery: number;
}

/** How many matching events each chunk of seqs holds, counted up to `countedTo`. Events only append, so it only grows. */
interface ChunkCounts {
  sessionId: string;
  countedTo: number;
  chunks: number[];
  counts: number[];
  total: number;
  /** Extensions run one at a time per filter. */
  queue: Promise<void>;
}

/** The counts as one window reads them: a copy, since another reader may extend the cached ones meanwhile. */
type CountsSnapshot = Pick<ChunkCounts, "countedTo" | "chunks" | "counts" | "total">;

type Where = { where: string[]; params: Record<string, unknown> };

/**
 * Position ↔ seq for a filtered session timeline, on either store. Counting a million rows takes a while, so the
 * per-chunk counts are cached and extended only by what was appended since. Committed seqs never change (and on
 * Postgres every seq up to the newest visible one is committed or gone), so replicas may each keep their own.
 */
export class EventPositions {
  private readonly cache = new Map<string, ChunkCounts>();

  constructor(private readonly source: PositionSource) {}

  async window(query: WindowQuery, lastSeq: number): Promise<TimelineWindow> {
    const filter: EventFilter = { sessionId: query.sessionId, agentId: query.agentId, taskId: query.taskId, types: query.types, text: query.text };
    const cached = await this.countedUpTo(filter, lastSeq);
    const counts: CountsSnapshot = { countedTo: cached.countedTo, total: cached.total, chunks: [...cached.chunks], counts: [...cached.counts] };
    const upTo = counts.countedTo;
    const total = counts.total;
    const where = this.source.where(filter);
    let anchor: number;
    let before = query.before ?? 0;
    if (query.position !== undefined) anchor = Math.min(query.position, total);
    else if (query.seq !== undefined) anchor = await this.positionOfSeq(counts, where, query.seq);
    else if (query.time !== undefined) {
      const seq = await this.firstSeqAt(query.sessionId, query.time, upTo);
      anchor = seq === null ? total : await this.positionOfSeq(counts, where, seq);
    } else {
      anchor = total;
      before = query.limit;
    }
    const start = Math.max(0, anchor - before);
    const startSeq = await this.seqAt(counts, where, start);
    const events = startSeq === null ? [] : await this.rowsFrom(where, startSeq, upTo, query.limit);
    const inWindow = events[anchor - start];
    const anchorSeq = anchor >= total ? null : (inWindow?.seq ?? (await this.seqAt(counts, where, anchor)));
    return { total, lastSeq: upTo, anchor, anchorSeq, start, events };
  }

  /** A deleted session's counts go (its events are gone). */
  forget(sessionId: string): void {
    for (const [key, entry] of this.cache) if (entry.sessionId === sessionId) this.cache.delete(key);
  }

  private async countedUpTo(filter: EventFilter, lastSeq: number): Promise<ChunkCounts> {
    const key = JSON.stringify([filter.sessionId, filter.agentId ?? null, filter.taskId ?? null, filter.types ?? [], filter.text ?? null]);
    let entry = this.cache.get(key);
    if (entry) this.cache.delete(key);
    entry ??= { sessionId: filter.sessionId, countedTo: 0, chunks: [], counts: [], total: 0, queue: Promise.resolve() };
    this.cache.set(key, entry);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    const counts = entry;
    const run = counts.queue.then(() => this.extend(counts, filter, lastSeq));
    counts.queue = run.catch(() => undefined);
    await run;
    return counts;
  }

  private async extend(counts: ChunkCounts, filter: EventFilter, lastSeq: number): Promise<void> {
    const { where, params } = this.source.where(filter);
    const countChunks = `SELECT "seq" / ${POSITION_CHUNK} AS chunk, COUNT(*) AS n FROM "Event" WHERE ${where.join(" AND ")} AND "seq" > @from AND "seq" <= @to
       GROUP BY chunk ORDER BY chunk`;
    const nextInSession = `SELECT "seq" FROM "Event" WHERE "sessionId" = @sessionId AND "seq" > @from ORDER BY "seq" LIMIT 1`;
    let turns = 0;
    while (counts.countedTo < lastSeq) {
      // Skip seqs of other sessions in one step: counting starts at the session's next event.
      const next = (await this.source.all<{ seq: number }>(nextInSession, { sessionId: filter.sessionId, from: counts.countedTo }))[0]?.seq;
      if (next === undefined || next > lastSeq) {
        counts.countedTo = lastSeq;
        break;
      }
      if (turns++ > 0) await nextTurn();
      const from = next - 1;
      const to = Math.min(lastSeq, (Math.floor(next / POSITION_CHUNK) + this.source.chunksPerQuery) * POSITION_CHUNK - 1);
      for (const { chunk, n } of await this.source.all<{ chunk: number; n: number }>(countChunks, { ...params, from, to })) {
        const last = counts.chunks.length - 1;
        if (counts.chunks[last] === chunk) counts.counts[last]! += n;
        else {
          counts.chunks.push(chunk);
          counts.counts.push(n);
        }
        counts.total += n;
      }
      counts.countedTo = to;
    }
  }

  /** The position of `seq`, or of the first match after it (== total when there is none). */
  private async positionOfSeq(counts: CountsSnapshot, where: Where, seq: number): Promise<number> {
    if (seq > counts.countedTo) return counts.total;
    const chunk = Math.floor(seq / POSITION_CHUNK);
    let before = 0;
    for (let i = 0; i < counts.chunks.length && counts.chunks[i]! < chunk; i++) before += counts.counts[i]!;
    const [row] = await this.source.all<{ n: number }>(`SELECT COUNT(*) AS n FROM "Event" WHERE ${where.where.join(" AND ")} AND "seq" >= @from AND "seq" < @seq`, {
      ...where.params,
      from: chunk * POSITION_CHUNK,
      seq,
    });
    return before + row!.n;
  }

  /** The seq at a position, null past the end. */
  private async seqAt(counts: CountsSnapshot, where: Where, position: number): Promise<number | null> {
    let before = 0;
    for (let i = 0; i < counts.chunks.length; i++) {
      const n = counts.counts[i]!;
      if (position < before + n) {
        const from = counts.chunks[i]! * POSITION_CHUNK;
        const [row] = await this.source.all<{ seq: number }>(
          `SELECT "seq" FROM "Event" WHERE ${where.where.join(" AND ")} AND "seq" >= @from AND "seq" <= @to ORDER BY "seq" LIMIT 1 OFFSET @offset`,
          { ...where.params, from, to: Math.min(counts.countedTo, from + POSITION_CHUNK - 1), offset: position - before },
        );
        return row?.seq ?? null;
      }
      before += n;
    }
    return null;
  }

  private rowsFrom(where: Where, fromSeq: number, upTo: number, limit: number): Promise<EventSummary[]> {
    return this.source.all<EventSummary>(
      `SELECT ${this.source.summaryColumns} FROM "Event" WHERE ${where.where.join(" AND ")} AND "seq" >= @from AND "seq" <= @upTo ORDER BY "seq" LIMIT @limit`,
      { ...where.params, from: fromSeq, upTo, limit },
    );
  }

  /**
   * The first event of the session received at or after `time`: a binary search over seqs (the writer stamps
   * `receivedAt` per batch in commit order, so it does not decrease with seq); about 25 index probes.
   */
  private async firstSeqAt(sessionId: string, time: number, upTo: number): Promise<number | null> {
    const probe = `SELECT "seq", "receivedAt" FROM "Event" WHERE "sessionId" = @sessionId AND "seq" >= @seq AND "seq" <= @upTo ORDER BY "seq" LIMIT 1`;
    const at = async (seq: number) => (await this.source.all<{ seq: number; receivedAt: number }>(probe, { sessionId, seq, upTo }))[0];
    const first = await at(0);
    if (!first || first.receivedAt >= time) return first?.seq ?? null;
    // The answer's seq is in (lo, hi]: the event at lo was received before `time`.
    let lo = first.seq;
    let hi = upTo + 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const row = await at(mid);
      if (!row || row.receivedAt >= time) hi = mid;
      else lo = row.seq;
    }
    return (await at(hi))?.seq ?? null;
  }
}
