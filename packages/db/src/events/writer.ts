import { DomainError, silentLogger, type Logger } from "@rozet/vocabulary";
import { BLOCK_PAYLOAD_MAX_CHARS, encodeCommit, type EncodedCommit, type EncodedPayload, type PayloadPlacement } from "./payload.ts";
import { PayloadCodecThread } from "./payload-codec-thread.ts";
import type { AppendOutcome, AppendResult, EventStore, NewEvent } from "./types.ts";

export interface EventWriterOptions {
  store: EventStore;
  /** Called once per committed batch, after commit, in commit order; the bus publishes from here. */
  onCommit: (outcome: AppendOutcome) => void;
  /** Most events in one transaction; bigger backlogs commit in several. */
  maxBatch?: number;
  /** Most events waiting; beyond it ingest is refused (OVERLOADED) instead of growing memory. */
  maxQueued?: number;
  /** Where commit and publish failures are reported (nobody awaits them but the ingest calls they reject). */
  log?: Logger;
}

/** Measured with bench test 1 (32 single-event requests in flight): 0 → 13,700 events/s, 1–3 → 17,600. */
const EXTRA_TURNS = 2;
/**
 * Requests with this many events are encoded on the codec thread as they arrive (bulk batches: 38k → 45k
 * events/s); so is any request with a large payload (64 KiB events: compression overlaps parsing). Single small
 * events are encoded at commit, together, on the event loop: the hop would cost them more than it saves (17.6k →
 * 13.7k events/s when every batch went through the thread).
 */
const OFFLOAD_MIN_EVENTS = 64;

interface Pending {
  events: NewEvent[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
  /** Encoded on the codec thread: pending while it works, null if it failed (then encoded at commit). */
  encoded?: Promise<void> | EncodedCommit | null;
}

function worthOffloading(events: NewEvent[]): boolean {
  return events.length >= OFFLOAD_MIN_EVENTS || events.some((e) => e.payloadJson.length >= BLOCK_PAYLOAD_MAX_CHARS);
}

/**
 * The single write path for events: callers enqueue; what is queued while requests keep arriving commits in one
 * transaction (group commit), and each caller's promise resolves only after its events are committed and on disk
 * (store.sync()). Requests commit whole and in the order they were appended; one still being encoded holds back
 * the ones behind it.
 */
export class EventWriter {
  private queue: Pending[] = [];
  private readonly codec = new PayloadCodecThread();
  private queuedEvents = 0;
  /** Acknowledgements, in commit order: each waits for its commit to be durable and for the one before. */
  private acknowledged: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  /** The commit in flight (a store over the network takes a while): the next batch commits after it, in order. */
  private committing: Promise<void> | null = null;
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
      const pending: Pending = { events, resolve, reject };
      this.queue.push(pending);
      this.queuedEvents += events.length;
      // Handed over right away, so the codec thread works on this request while the event loop parses the next.
      if (this.codec.available && worthOffloading(events)) this.encodeOffThread(pending);
      this.scheduleFlush();
    });
  }

  /** Events accepted and not yet committed. */
  get backlog(): number {
    return this.queuedEvents;
  }

  /** Commits everything queued now (requests still being encoded elsewhere are encoded here); resolves once committed. */
  async flushNow(): Promise<void> {
    while (this.queue.length > 0) this.flushOnce(true);
    await this.committing;
  }

  /** Commits what is queued, refuses new events, and resolves once every commit is acknowledged. */
  async close(): Promise<void> {
    const flushed = this.flushNow();
    this.closed = true;
    this.codec.close();
    await flushed;
    await this.acknowledged;
  }

  private encodeOffThread(pending: Pending): void {
    pending.encoded = this.codec
      .encode(
        pending.events.map((e) => e.session.ref),
        pending.events.map((e) => e.payloadJson),
      )
      .then(
        (encoded) => void (pending.encoded = encoded),
        () => void (pending.encoded = null),
      )
      .then(() => this.scheduleFlush());
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate lets every request parsed in this loop turn join the batch; while requests keep arriving, wait
    // up to EXTRA_TURNS more turns (each lets the loop read more sockets): fewer, larger commits.
    let seen = this.queuedEvents;
    let waited = 0;
    const flush = () => {
      // While a commit is in flight, requests keep queueing: they go together in the next commit, scheduled when it ends.
      if (this.committing) {
        this.flushScheduled = false;
        return;
      }
      if (this.queuedEvents > seen && waited < EXTRA_TURNS && this.queuedEvents < this.maxBatch) {
        seen = this.queuedEvents;
        waited += 1;
        setImmediate(flush);
        return;
      }
      this.flushScheduled = false;
      this.flushOnce(false);
      if (this.queue.length > 0 && !(this.queue[0]!.encoded instanceof Promise)) this.scheduleFlush();
    };
    setImmediate(flush);
  }

  private flushOnce(force: boolean): void {
    const batch: Pending[] = [];
    let count = 0;
    // Whole requests only, in order; a request still encoding holds back the ones behind it (unless forced).
    while (
      this.queue.length > 0 &&
      (force || !(this.queue[0]!.encoded instanceof Promise)) &&
      (count === 0 || count + this.queue[0]!.events.length <= this.maxBatch)
    ) {
      const next = this.queue.shift()!;
      batch.push(next);
      count += next.events.length;
    }
    if (batch.length === 0) return;
    this.queuedEvents -= count;
    const events = batch.length === 1 ? batch[0]!.events : batch.flatMap((p) => p.events);
    const encoded = assemble(batch);
    const { store } = this.options;
    // The SQLite store commits right here (synchronously inside); after a commit still in flight, it waits its turn.
    const committed = this.committing ? this.committing.then(() => store.appendBatch(events, encoded)) : store.appendBatch(events, encoded);
    const durable = committed.then(async (outcome) => {
      await store.sync();
      return outcome;
    });
    const settled = committed.then(
      () => undefined,
      () => undefined,
    );
    this.committing = settled;
    settled
      .then(() => {
        if (this.committing !== settled) return;
        this.committing = null;
        if (this.queue.length > 0) this.scheduleFlush();
      })
      .catch((error: unknown) => (this.options.log ?? silentLogger).error({ err: error }, "event flush could not be scheduled"));
    // Acknowledged (and published) once committed and on disk, strictly in commit order, so subscribers see seqs in order.
    this.acknowledged = this.acknowledged
      .then(() => durable)
      .then(
        (outcome) => this.acknowledge(batch, outcome),
        (error: unknown) => {
          (this.options.log ?? silentLogger).error({ err: error, events: batch.length }, "event commit failed or could not be made durable");
          for (const pending of batch) pending.reject(error);
        },
      );
  }

  private acknowledge(batch: Pending[], outcome: AppendOutcome): void {
    let offset = 0;
    for (const pending of batch) {
      pending.resolve(outcome.results.slice(offset, offset + pending.events.length));
      offset += pending.events.length;
    }
    try {
      this.options.onCommit(outcome);
    } catch (error) {
      // Publishing must never un-acknowledge committed events.
      (this.options.log ?? silentLogger).error({ err: error }, "event publish failed");
    }
  }
}

/** One commit's payload encoding: the requests encoded off-thread as they are, the others encoded now, together. */
function assemble(batch: Pending[]): EncodedCommit {
  const blocks: EncodedPayload[] = [];
  const placements: PayloadPlacement[] = [];
  const inline: { at: number; group: string; payload: string }[] = [];
  const add = (encoded: EncodedCommit, at: (i: number) => number) => {
    const base = blocks.length;
    blocks.push(...encoded.blocks);
    encoded.placements.forEach((p, i) => (placements[at(i)] = "block" in p ? { ...p, block: p.block + base } : p));
  };
  for (const pending of batch) {
    const start = placements.length;
    placements.length += pending.events.length;
    const encoded = pending.encoded;
    if (encoded && !(encoded instanceof Promise)) add(encoded, (i) => start + i);
    else pending.events.forEach((e, i) => inline.push({ at: start + i, group: e.session.ref, payload: e.payloadJson }));
  }
  if (inline.length > 0) {
    const encoded = encodeCommit(
      inline.map((e) => e.group),
      inline.map((e) => e.payload),
    );
    add(encoded, (i) => inline[i]!.at);
  }
  return { blocks, placements };
}
