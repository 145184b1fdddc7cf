import pg from "pg";

/**
 * SQLSTATEs after which the connection is gone: connection exceptions (08…), operator intervention (57P…: a restart,
 * pg_terminate_backend) and 25P03, a transaction left idle past idle_in_transaction_session_timeout.
 */
export function endsTheConnection(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "string" && (code.startsWith("08") || code.startsWith("57P") || code === "25P03")) return true;
  return typeof message === "string" && /Connection terminated|not queryable|ECONNRESET|EPIPE/.test(message);
}

/**
 * Whether a statement that failed with `error` surely did not run, so sending it again cannot apply it twice: the
 * client was already known dead, or Postgres answered it with the end of the session (57P01 admin shutdown, 57P02
 * crash shutdown, 57P03 cannot connect now) instead of a result — a backend ended before or while running it
 * commits nothing, and one ended after committing sends the result first. A socket closed with no answer is not
 * such a case (the statement may have committed), and neither is anything else.
 */
function surelyNotRun(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (typeof code === "string" && code.startsWith("57P")) || (typeof message === "string" && /not queryable/.test(message));
}

/** A pooled connection idle this long is checked before a transaction is started on it. */
const CHECK_IDLE_AFTER_MS = 1_000;

/**
 * A pg.Pool that outlives Postgres ending its connections (a restart, a failover, pg_terminate_backend). An idle
 * connection Postgres ended is only noticed when its socket is read, so the next statement can be handed a dead
 * one: `query` sends a statement once more on another connection when it surely did not run, and `connect` (how
 * transactions start, Prisma's included) first checks a connection that sat idle, as HikariCP does.
 */
export class ResilientPool extends pg.Pool {
  private readonly idleSince = new WeakMap<pg.PoolClient, number>();

  constructor(config: pg.PoolConfig) {
    super(config);
    this.on("release", (_error: Error | undefined, client: pg.PoolClient) => this.idleSince.set(client, Date.now()));
  }

  // pg-pool's own query takes a connection through the callback form of connect; that form is left as it is.
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    if (callback) return super.connect(callback);
    return this.checkedConnection(2);
  }

  // The overloads of pg.Pool#query (promise and callback forms) in one: the promise form is sent once more when it
  // surely did not run. `any` is what lets one signature stand for all of them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const send = () => (super.query as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    if (typeof args.at(-1) === "function") return send();
    return send().catch((error: unknown) => {
      if (surelyNotRun(error)) return send();
      throw error;
    });
  }

  private async checkedConnection(retries: number): Promise<pg.PoolClient> {
    const client = await super.connect();
    const idleSince = this.idleSince.get(client);
    if (retries === 0 || idleSince === undefined || Date.now() - idleSince < CHECK_IDLE_AFTER_MS) return client;
    try {
      await client.query("SELECT 1");
      return client;
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      if (!endsTheConnection(error)) throw error;
      return this.checkedConnection(retries - 1);
    }
  }
}
