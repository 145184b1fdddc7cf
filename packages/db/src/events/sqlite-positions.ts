import { setImmediate as nextTurn } from "node:timers/promises";
import type { Statement } from "better-sqlite3";
import { filterClause, SUMMARY_COLUMNS } from "./sql-filter.ts";
import type { EventFilter, EventSummary, TimelineWindow, WindowQuery } from "./types.ts";

/** Seqs are counted in chunks of this many (2^14): a position is found from the chunk sums plus one OFFSET in a chunk. */
export const POSITION_CHUNK = 16_384;
/** Chunks counted per query before yielding to the event loop (a text filter scans rows). */
const CHUNKS_PER_TURN = 1;
/** Filters whose counts are kept (per session + filter); the least recently used is dropped. */
const CACHE_LIMIT = 64;

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

/**
 * Position ↔ seq for a filtered session timeline. Counting a million rows takes a while, so the per-chunk counts are
 * cached and extended only by what was appended since; counting yields between chunks.
 */
export class SqlitePositions {
  private readonly cache = new Map<string, ChunkCounts>();

  constructor(private readonly statement: (sql: string) => Statement) {}

  async window(query: WindowQuery, lastSeq: number): Promise<TimelineWindow> {
    const filter: EventFilter = { sessionId: query.sessionId, agentId: query.agentId, taskId: query.taskId, types: query.types, text: query.text };
    const counts = await this.countedUpTo(filter, lastSeq);
    // From here on nothing awaits: the counts cannot move under us (a concurrent reader may have counted further).
    const upTo = counts.countedTo;
    const total = counts.total;
    const where = filterClause(filter);
    let anchor: number;
    let before = query.before ?? 0;
    if (query.position !== undefined) anchor = Math.min(query.position, total);
    else if (query.seq !== undefined) anchor = this.positionOfSeq(counts, where, query.seq);
    else if (query.time !== undefined) {
      const seq = this.firstSeqAt(query.sessionId, query.time, upTo);
      anchor = seq === null ? total : this.positionOfSeq(counts, where, seq);
    } else {
      anchor = total;
      before = query.limit;
    }
    const start = Math.max(0, anchor - before);
    const startSeq = this.seqAt(counts, where, start);
    const events = startSeq === null ? [] : this.rowsFrom(where, startSeq, upTo, query.limit);
    const inWindow = events[anchor - start];
    const anchorSeq = anchor >= total ? null : (inWindow?.seq ?? this.seqAt(counts, where, anchor));
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
    const { where, params } = filterClause(filter);
    const countChunks = this.statement(
      `SELECT seq / ${POSITION_CHUNK} AS chunk, COUNT(*) AS n FROM Event WHERE ${where.join(" AND ")} AND seq > @from AND seq <= @to
       GROUP BY chunk ORDER BY chunk`,
    );
    const nextInSession = this.statement(`SELECT seq FROM Event WHERE sessionId = @sessionId AND seq > @from ORDER BY seq LIMIT 1`).pluck();
    let turns = 0;
    while (counts.countedTo < lastSeq) {
      // Skip seqs of other sessions in one step: counting starts at the session's next event.
      const next = nextInSession.get({ sessionId: filter.sessionId, from: counts.countedTo }) as number | undefined;
      if (next === undefined || next > lastSeq) {
        counts.countedTo = lastSeq;
        break;
      }
      if (turns++ > 0) await nextTurn();
      const from = next - 1;
      const to = Math.min(lastSeq, (Math.floor(next / POSITION_CHUNK) + CHUNKS_PER_TURN) * POSITION_CHUNK - 1);
      for (const { chunk, n } of countChunks.all({ ...params, from, to }) as { chunk: number; n: number }[]) {
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
  private positionOfSeq(counts: ChunkCounts, where: ReturnType<typeof filterClause>, seq: number): number {
    if (seq > counts.countedTo) return counts.total;
    const chunk = Math.floor(seq / POSITION_CHUNK);
    let before = 0;
    for (let i = 0; i < counts.chunks.length && counts.chunks[i]! < chunk; i++) before += counts.counts[i]!;
    const inChunk = this.statement(
      `SELECT COUNT(*) FROM Event WHERE ${where.where.join(" AND ")} AND seq >= @from AND seq < @seq`,
    ).pluck().get({ ...where.params, from: chunk * POSITION_CHUNK, seq }) as number;
    return before + inChunk;
  }

  /** The seq at a position, null past the end. */
  private seqAt(counts: ChunkCounts, where: ReturnType<typeof filterClause>, position: number): number | null {
    let before = 0;
    for (let i = 0; i < counts.chunks.length; i++) {
      const n = counts.counts[i]!;
      if (position < before + n) {
        const from = counts.chunks[i]! * POSITION_CHUNK;
        return this.statement(
          `SELECT seq FROM Event WHERE ${where.where.join(" AND ")} AND seq >= @from AND seq <= @to ORDER BY seq LIMIT 1 OFFSET @offset`,
        )
          .pluck()
          .get({ ...where.params, from, to: Math.min(counts.countedTo, from + POSITION_CHUNK - 1), offset: position - before }) as number;
      }
      before += n;
    }
    return null;
  }

  private rowsFrom(where: ReturnType<typeof filterClause>, fromSeq: number, upTo: number, limit: number): EventSummary[] {
    return this.statement(
      `SELECT ${SUMMARY_COLUMNS} FROM Event WHERE ${where.where.join(" AND ")} AND seq >= @from AND seq <= @upTo ORDER BY seq LIMIT @limit`,
    ).all({ ...where.params, from: fromSeq, upTo, limit }) as EventSummary[];
  }

  /**
   * The first event of the session received at or after `time`: a binary search over seqs (the writer stamps
   * `receivedAt` per batch in commit order, so it does not decrease with seq); about 25 index probes.
   */
  private firstSeqAt(sessionId: string, time: number, upTo: number): number | null {
    const probe = this.statement(
      `SELECT seq, receivedAt FROM Event WHERE sessionId = @sessionId AND seq >= @seq AND seq <= @upTo ORDER BY seq LIMIT 1`,
    );
    const at = (seq: number) => probe.get({ sessionId, seq, upTo }) as { seq: number; receivedAt: number } | undefined;
    const first = at(0);
    if (!first || first.receivedAt >= time) return first?.seq ?? null;
    // The answer's seq is in (lo, hi]: the event at lo was received before `time`.
    let lo = first.seq;
    let hi = upTo + 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const row = at(mid);
      if (!row || row.receivedAt >= time) hi = mid;
      else lo = row.seq;
    }
    return at(hi)?.seq ?? null;
  }
}
