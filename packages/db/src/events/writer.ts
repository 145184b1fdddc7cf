import { DomainError } from "../errors.ts";
import { PayloadCompressor, worthOffloading } from "./compressor.ts";
import { setPreEncodedPayload } from "./payload.ts";
import type { AppendOutcome, AppendResult, EventStore, NewEvent } from "./types.ts";

export interface EventWriterOptions {
  store: EventStore;
  /** Called once per committed batch, after commit; the bus publishes from here. */
  onCommit: (outcome: AppendOutcome) => void;
  /** Most events in one transaction; bigger backlogs commit in several. */
  maxBatch?: number;
  /** Most events waiting; beyond it ingest is refused (OVERLOADED) instead of growing memory. */
  maxQueued?: number;
}

/** Measured with bench test 1 (32 single-event requests in flight): 0 → 13,700 events/s, 1–3 → 17,600. */
const EXTRA_TURNS = 2;

interface Pending {
  events: NewEvent[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
  /** False while its large payloads are being compressed off the event loop; commits wait for it, in order. */
  ready: boolean;
}

/**
 * The single write path for events: callers enqueue, one flush per event-loop turn commits everything queued in
 * one transaction (group commit), and each caller's promise resolves only after its events are committed.
 *
 * Large payloads (transcripts, big tool results) are compressed on a worker thread first (one message per request,
 * sent as it is appended), so the event loop keeps parsing requests meanwhile; small ones are encoded inline at
 * commit. Either way requests commit in the order they were appended.
 */
export class EventWriter {
  private queue: Pending[] = [];
  private readonly compressor = new PayloadCompressor();
  private queuedEvents = 0;
  private flushScheduled = false;
  private closed = false;
  private readonly maxBatch: number;
  private readonly maxQueued: number;

  constructor(private readonly options: EventWriterOptions) {
    this.maxBatch = options.maxBatch ?? 2_000;
    this.maxQueued = options.maxQueued ?? 100_000;
  }

  append(events: NewEvent[]): Promise<AppendResult[]> {
    if (this.closed) return Promise.reject(new DomainError("OVERLOADED", "server is shutting down; retry"));
    if (events.length === 0) return Promise.resolve([]);
    if (this.queuedEvents + events.length > this.maxQueued) {
      return Promise.reject(
        new DomainError("OVERLOADED", `ingest queue is full (${this.maxQueued} events waiting); retry later`, {
          limit: "queue",
          max: this.maxQueued,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { events, resolve, reject, ready: true };
      this.queue.push(pending);
      this.queuedEvents += events.length;
      if (this.compressor.available) {
        const large = events.filter((e) => worthOffloading(e.payloadJson));
        // Handed over right away, so the worker compresses this request while the event loop parses the next.
        if (large.length > 0) this.compress(pending, large);
      }
      this.scheduleFlush();
    });
  }

  get backlog(): number {
    return this.queuedEvents;
  }

  /** Commits everything queued now (payloads still compressing are encoded here). Used by shutdown. */
  flushNow(): void {
    while (this.queue.length > 0) this.flushOnce(true);
  }

  close(): void {
    this.flushNow();
    this.closed = true;
    this.compressor.close();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate lets every request parsed in this loop turn join the batch; while requests keep arriving, wait
    // up to EXTRA_TURNS more turns (each lets the loop read more sockets): fewer, larger commits.
    let seen = this.queuedEvents;
    let waited = 0;
    const flush = () => {
      if (this.queuedEvents > seen && waited < EXTRA_TURNS && this.queuedEvents < this.maxBatch) {
        seen = this.queuedEvents;
        waited += 1;
        setImmediate(flush);
        return;
      }
      this.flushScheduled = false;
      this.flushOnce(false);
      // Requests still compressing reschedule the flush when their payloads are back.
      if (this.queue.length > 0 && this.queue[0]!.ready) this.scheduleFlush();
    };
    setImmediate(flush);
  }

  /** Compresses a request's large payloads on the worker; the request may commit once they are back (or failed). */
  private compress(pending: Pending, events: NewEvent[]): void {
    pending.ready = false;
    const done = () => {
      pending.ready = true;
      this.scheduleFlush();
    };
    this.compressor.compress(events.map((e) => e.payloadJson)).then(
      (encoded) => {
        encoded.forEach((payload, i) => setPreEncodedPayload(events[i]!, payload));
        done();
      },
      // The store encodes them itself at commit.
      done,
    );
  }

  private flushOnce(force: boolean): void {
    const batch: Pending[] = [];
    let count = 0;
    // Whole requests only: a request's events commit together; in order, so a request still compressing holds
    // back the ones behind it.
    while (
      this.queue.length > 0 &&
      (force || this.queue[0]!.ready) &&
      (count === 0 || count + this.queue[0]!.events.length <= this.maxBatch)
    ) {
      const next = this.queue.shift()!;
      batch.push(next);
      count += next.events.length;
    }
    if (batch.length === 0) return;
    this.queuedEvents -= count;
    let outcome: AppendOutcome;
    try {
      outcome = this.options.store.appendBatch(batch.flatMap((p) => p.events));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    let offset = 0;
    for (const pending of batch) {
      pending.resolve(outcome.results.slice(offset, offset + pending.events.length));
      offset += pending.events.length;
    }
    try {
      this.options.onCommit(outcome);
    } catch (error) {
      // Publishing must never un-acknowledge committed events.
      console.error("event publish failed", error);
    }
  }
}
