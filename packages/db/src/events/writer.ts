import { DomainError } from "../errors.ts";
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

interface Pending {
  events: NewEvent[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
}

/**
 * The single write path for events: callers enqueue, one flush per event-loop turn commits everything queued in
 * one transaction (group commit), and each caller's promise resolves only after its events are committed.
 */
export class EventWriter {
  private queue: Pending[] = [];
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
      this.queue.push({ events, resolve, reject });
      this.queuedEvents += events.length;
      this.scheduleFlush();
    });
  }

  get backlog(): number {
    return this.queuedEvents;
  }

  /** Commits everything queued now. Used by shutdown; normal flushes are scheduled. */
  flushNow(): void {
    while (this.queue.length > 0) this.flushOnce();
  }

  close(): void {
    this.flushNow();
    this.closed = true;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate lets every request parsed in this loop turn join the batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushOnce();
      if (this.queue.length > 0) this.scheduleFlush();
    });
  }

  private flushOnce(): void {
    const batch: Pending[] = [];
    let count = 0;
    // Whole requests only: a request's events commit together.
    while (this.queue.length > 0 && (count === 0 || count + this.queue[0]!.events.length <= this.maxBatch)) {
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
