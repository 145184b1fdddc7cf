/**
 * One live source, several readers: each reader joins at its own cursor (the seq its first read ended at) and gets
 * every later event once, in order, in batches. Pure (no Solid, no I/O): `session-feed.ts` opens the source it asks
 * for and hands it what arrives.
 *
 * The source is opened at the first reader's cursor. A reader that joins later gets what it missed from the recent
 * events kept here; one whose cursor is older than those asks for the source to be reopened from its cursor (each
 * reader skips what it already has, so the replay repeats nothing).
 */
export interface Reader<E> {
  /** The newest seq this reader has. */
  cursor: number;
  apply(events: readonly E[]): void;
}

/** Recent events kept for readers that join late (a few seconds of a fast stream). */
export const KEEP_RECENT = 5_000;

export class FeedFanout<E extends { seq: number }> {
  private readonly readers = new Set<Reader<E>>();
  private recent: E[] = [];
  /** `recent` holds every event of the source after this seq (null: no source open). */
  private coveredFrom: number | null = null;
  private newest = 0;

  constructor(private readonly keep = KEEP_RECENT) {}

  get readerCount(): number {
    return this.readers.size;
  }

  /**
   * Adds a reader at `cursor` and gives it at once what it missed. Returns the cursor to (re)open the source from,
   * or null when the open source already covers it.
   */
  attach(reader: Reader<E>): number | null {
    this.readers.add(reader);
    if (this.coveredFrom !== null && reader.cursor >= this.coveredFrom) {
      this.deliver(reader, this.recent);
      return null;
    }
    const from = Math.min(...[...this.readers].map((r) => r.cursor));
    this.coveredFrom = from;
    this.recent = [];
    this.newest = from;
    return from;
  }

  /** Removes a reader; true when none is left (the source can close). */
  detach(reader: Reader<E>): boolean {
    this.readers.delete(reader);
    if (this.readers.size > 0) return false;
    this.coveredFrom = null;
    this.recent = [];
    return true;
  }

  /** Events from the source, in seq order (a reopened source may repeat some: they are dropped here). */
  receive(events: readonly E[]): void {
    const fresh = events.filter((event) => event.seq > this.newest);
    if (fresh.length === 0) return;
    this.newest = fresh.at(-1)!.seq;
    this.recent.push(...fresh);
    if (this.recent.length > this.keep) {
      const dropped = this.recent.splice(0, this.recent.length - this.keep);
      this.coveredFrom = dropped.at(-1)!.seq;
    }
    for (const reader of this.readers) this.deliver(reader, fresh);
  }

  private deliver(reader: Reader<E>, events: readonly E[]): void {
    const start = firstAfter(events, reader.cursor);
    if (start >= events.length) return;
    const batch = start === 0 ? events : events.slice(start);
    reader.cursor = batch.at(-1)!.seq;
    reader.apply(batch);
  }
}

/** Index of the first event with seq > cursor (events are in seq order). */
function firstAfter<E extends { seq: number }>(events: readonly E[], cursor: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.seq > cursor) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
