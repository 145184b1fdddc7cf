import { silentLogger, type Logger } from "@rozet/vocabulary";
import { EVENTS_CHANNEL, type PgEventStore } from "../events/pg-event-store.ts";
import type { EventSummary } from "../events/types.ts";
import { ListenConnection } from "./listen-connection.ts";

/** Whether this replica committed the events (their side effects ran here) or another replica did. */
export type EventOrigin = "local" | "replica";

export interface PgEventFanoutOptions {
  url: string;
  store: PgEventStore;
  /** Called with every committed event of every replica, once, in seq order, in runs of one origin. */
  publish: (batch: EventSummary[], origin: EventOrigin) => void;
  log?: Logger;
  /** First wait before reconnecting a lost LISTEN connection (doubles up to 5 s). */
  reconnectMs?: number;
}

const PAGE = 1_000;

/**
 * Committed events of every replica, on this replica's bus. Each commit NOTIFYs its newest seq (PgEventStore); this
 * LISTENs on a connection of its own and, on each notification, reads every row after its cursor from the store and
 * publishes it. Reading "seq > cursor" is safe because commits allocate seqs under one advisory lock (seq order =
 * commit order). Notifications that arrive while a read is running are answered by that read or the next one (a
 * burst costs one read, not one per commit). A lost connection is reopened and the cursor caught up, so nothing
 * committed meanwhile is skipped.
 */
export class PgEventFanout {
  private connection: ListenConnection | null = null;
  private cursor = 0;
  /** Newest seq announced: nothing to read while the cursor is at or past it. */
  private announced = 0;
  private work: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly log: Logger;

  private constructor(private readonly options: PgEventFanoutOptions) {
    this.log = options.log ?? silentLogger;
  }

  /** Listens first, then takes the newest seq as its cursor: a commit in between is read, not missed. */
  static async start(options: PgEventFanoutOptions): Promise<PgEventFanout> {
    const fanout = new PgEventFanout(options);
    fanout.connection = await ListenConnection.open({
      url: options.url,
      channels: [EVENTS_CHANNEL],
      log: fanout.log,
      ...(options.reconnectMs ? { reconnectMs: options.reconnectMs } : {}),
      onNotification: (_channel, payload) => {
        const seq = Number(payload);
        if (Number.isSafeInteger(seq) && seq > fanout.announced) fanout.announced = seq;
        fanout.catchUp();
      },
      onReconnected: () => {
        // Commits made while it was away announced themselves to nobody: read everything after the cursor.
        fanout.announced = Number.MAX_SAFE_INTEGER;
        fanout.catchUp();
      },
    });
    fanout.cursor = await options.store.lastSeq();
    fanout.announced = fanout.cursor;
    return fanout;
  }

  /** The newest seq published here. */
  get position(): number {
    return this.cursor;
  }

  /** One read at a time, in order; a failed read is logged and retried by the next notification. */
  private catchUp(): void {
    this.work = this.work.then(() => this.readNew()).catch((error: unknown) => this.log.error({ err: error, cursor: this.cursor }, "event fan-out read failed"));
  }

  private async readNew(): Promise<void> {
    const { store, publish } = this.options;
    while (this.cursor < this.announced && !this.closed) {
      const rows = await store.readAfter({ afterSeq: this.cursor, limit: PAGE });
      if (rows.length === 0) {
        if (this.announced === Number.MAX_SAFE_INTEGER) this.announced = this.cursor;
        break;
      }
      this.cursor = rows.at(-1)!.seq;
      let run: EventSummary[] = [];
      let origin: EventOrigin | null = null;
      for (const row of rows) {
        const from: EventOrigin = store.ownCommits.has(row.seq) ? "local" : "replica";
        if (origin !== null && from !== origin) {
          publish(run, origin);
          run = [];
        }
        origin = from;
        run.push(row);
      }
      publish(run, origin!);
      if (rows.length < PAGE) break;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connection?.close();
    await this.work;
  }
}
