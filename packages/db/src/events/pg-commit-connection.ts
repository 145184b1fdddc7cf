import pg from "pg";
import { endsTheConnection } from "../pg-pool.ts";

/**
 * The one connection event commits go through, opened again when Postgres ends it: a restart, an admin's
 * pg_terminate_backend, or a transaction of ours ended by idle_in_transaction_session_timeout because this process
 * was paused mid-commit (so a paused replica cannot hold the commit lock, and every replica's ingest, for ever).
 * Transactions run one at a time: a pg.Client would interleave two callers' statements into one transaction.
 */
export class PgCommitConnection {
  private client: pg.Client | null = null;
  private readonly lost = new WeakSet<pg.Client>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly config: pg.ClientConfig,
    private readonly onError: (error: Error) => void,
  ) {}

  static async open(config: pg.ClientConfig, onError: (error: Error) => void): Promise<PgCommitConnection> {
    const connection = new PgCommitConnection(config, onError);
    await connection.connected();
    return connection;
  }

  /**
   * Runs `work` in one transaction and commits it. Lost before COMMIT was sent, nothing was committed: the work runs
   * once more on a new connection (it must start from scratch each time). Lost during COMMIT, the outcome is
   * unknown: the error goes to the caller.
   */
  transaction<T>(work: (db: pg.Client) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.attempt(work, true));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    const client = this.client;
    this.client = null;
    if (client && !this.lost.has(client)) await client.end();
  }

  private async attempt<T>(work: (db: pg.Client) => Promise<T>, mayRetry: boolean): Promise<T> {
    const db = await this.connected();
    let committing = false;
    try {
      await db.query("BEGIN");
      const result = await work(db);
      committing = true;
      await db.query("COMMIT");
      return result;
    } catch (error) {
      if (this.lost.has(db) || endsTheConnection(error)) {
        this.drop(db);
        if (mayRetry && !committing) return this.attempt(work, false);
        throw error;
      }
      // A ROLLBACK that fails means the connection went meanwhile: the next transaction opens another.
      await db.query("ROLLBACK").catch(() => this.drop(db));
      throw error;
    }
  }

  private async connected(): Promise<pg.Client> {
    if (this.client && !this.lost.has(this.client)) return this.client;
    if (this.client) this.drop(this.client);
    const client = new pg.Client(this.config);
    client.on("error", (error) => {
      this.lost.add(client);
      this.onError(error);
    });
    client.on("end", () => this.lost.add(client));
    try {
      await client.connect();
    } catch (error) {
      this.lost.add(client);
      throw error;
    }
    this.client = client;
    return client;
  }

  private drop(client: pg.Client): void {
    this.lost.add(client);
    if (this.client === client) this.client = null;
    // Already ended by the server; end() only releases the socket.
    client.end().catch(() => undefined);
  }
}
