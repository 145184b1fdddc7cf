import { randomBytes } from "node:crypto";
import pg from "pg";
import { silentLogger, type Logger } from "@rozet/vocabulary";
import { ResilientPool } from "../pg-pool.ts";
import { ListenConnection } from "./listen-connection.ts";

/** Topic → message: each user of the signals names its topics and their message shapes (JSON). */
export type SignalTopics = Record<string, unknown>;

/**
 * Small messages between the replicas of one control room, for coordination (an answer given here, for an agent
 * running there; a cache to drop). Delivered to every other connected replica, in the order one replica sent them,
 * never back to the sender. Best effort: the state they speak of is in the database, and a replica that was cut off
 * gets `onResync` instead of what it missed, and re-reads that state.
 */
export interface ReplicaSignals<Topics extends SignalTopics> {
  readonly replicaId: string;
  send<K extends keyof Topics & string>(topic: K, message: Topics[K]): Promise<void>;
  on<K extends keyof Topics & string>(topic: K, handler: (message: Topics[K]) => void): () => void;
  onResync(handler: () => void): () => void;
  close(): Promise<void>;
}

/** One process, nobody else to tell (SQLite). */
export function localSignals<Topics extends SignalTopics>(): ReplicaSignals<Topics> {
  return {
    replicaId: "local",
    send: () => Promise.resolve(),
    on: () => () => undefined,
    onResync: () => () => undefined,
    close: () => Promise.resolve(),
  };
}

export const SIGNALS_CHANNEL = "rozet_signals";
/** NOTIFY payloads must stay under 8000 bytes: a larger message goes through a table and the notification names its row. */
const INLINE_LIMIT = 7_000;
const TABLE = `
BEGIN;
SELECT pg_advisory_xact_lock(${0x7369676e}); -- "sign": two replicas starting at once create it once
CREATE UNLOGGED TABLE IF NOT EXISTS "ReplicaSignal" ("id" bigserial PRIMARY KEY, "body" text NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT now());
COMMIT;`;

interface Envelope {
  /** Sender's replica id. */
  f: string;
  t: string;
  m?: unknown;
  /** Row of "ReplicaSignal" holding the message when it was too large to notify. */
  r?: number;
}

/** Replica signals over Postgres NOTIFY on a LISTEN connection of their own. */
export class PgSignals<Topics extends SignalTopics> implements ReplicaSignals<Topics> {
  readonly replicaId = randomBytes(6).toString("hex");
  private readonly handlers = new Map<string, Set<(message: never) => void>>();
  private readonly resyncs = new Set<() => void>();
  private connection: ListenConnection | null = null;
  /** Delivery in order, also when a large message has to be read first. */
  private delivery: Promise<void> = Promise.resolve();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  static async open<Topics extends SignalTopics>(url: string, options: { log?: Logger; reconnectMs?: number; idleInTransactionMs?: number } = {}): Promise<PgSignals<Topics>> {
    const log = options.log ?? silentLogger;
    const pool = new ResilientPool({ connectionString: url, max: 2, ...(options.idleInTransactionMs ? { idle_in_transaction_session_timeout: options.idleInTransactionMs } : {}) });
    pool.on("error", (error) => log.warn({ err: error }, "replica signals: a pooled connection was ended"));
    await pool.query(TABLE);
    const signals = new PgSignals<Topics>(pool, log);
    signals.connection = await ListenConnection.open({
      url,
      channels: [SIGNALS_CHANNEL],
      log,
      ...(options.reconnectMs ? { reconnectMs: options.reconnectMs } : {}),
      onNotification: (_channel, payload) => signals.receive(payload),
      onReconnected: () => {
        for (const handler of signals.resyncs) handler();
      },
    });
    return signals;
  }

  async send<K extends keyof Topics & string>(topic: K, message: Topics[K]): Promise<void> {
    const inline = JSON.stringify({ f: this.replicaId, t: topic, m: message } satisfies Envelope);
    if (Buffer.byteLength(inline) <= INLINE_LIMIT) {
      await this.pool.query("SELECT pg_notify($1, $2)", [SIGNALS_CHANNEL, inline]);
      return;
    }
    // Rows are read within moments; older ones are dropped by later large sends.
    await this.pool.query(`DELETE FROM "ReplicaSignal" WHERE "createdAt" < now() - interval '5 minutes'`);
    const row = await this.pool.query<{ id: string }>(`INSERT INTO "ReplicaSignal" ("body") VALUES ($1) RETURNING "id"`, [JSON.stringify(message)]);
    await this.pool.query("SELECT pg_notify($1, $2)", [SIGNALS_CHANNEL, JSON.stringify({ f: this.replicaId, t: topic, r: Number(row.rows[0]!.id) } satisfies Envelope)]);
  }

  on<K extends keyof Topics & string>(topic: K, handler: (message: Topics[K]) => void): () => void {
    const set = this.handlers.get(topic) ?? new Set();
    this.handlers.set(topic, set);
    set.add(handler);
    return () => set.delete(handler);
  }

  onResync(handler: () => void): () => void {
    this.resyncs.add(handler);
    return () => this.resyncs.delete(handler);
  }

  private receive(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch (error) {
      this.log.warn({ err: error }, "replica signals: not JSON, dropped");
      return;
    }
    if (envelope.f === this.replicaId || !this.handlers.get(envelope.t)?.size) return;
    this.delivery = this.delivery
      .then(async () => {
        const message: unknown = envelope.r === undefined ? envelope.m : JSON.parse((await this.pool.query<{ body: string }>(`SELECT "body" FROM "ReplicaSignal" WHERE "id" = $1`, [envelope.r])).rows[0]?.body ?? "null");
        for (const handler of this.handlers.get(envelope.t) ?? []) {
          try {
            handler(message as never);
          } catch (error) {
            this.log.error({ err: error, topic: envelope.t }, "replica signal handler failed");
          }
        }
      })
      .catch((error: unknown) => this.log.error({ err: error, topic: envelope.t }, "replica signal not delivered"));
  }

  async close(): Promise<void> {
    await this.connection?.close();
    await this.delivery;
    await this.pool.end();
  }
}
