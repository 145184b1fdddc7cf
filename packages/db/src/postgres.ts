import type pg from "pg";
import pgTypes from "pg";

/** A `postgres://` or `postgresql://` URL selects the Postgres store; anything else is a SQLite file path. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The URL without its password, for logs and `system.info`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://(unparseable URL)";
  }
}

/** bigint and numeric come back as numbers (seqs, ms and counts stay far below 2^53). */
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === 20 || oid === 1700 ? (value: string) => Number(value) : (pgTypes.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format),
} as pg.CustomTypesConfig;

/**
 * Settings for every connection of ours: numbers as numbers, and the session in UTC, because Prisma's DateTime
 * columns are `timestamp(3)` without a time zone that Prisma reads as UTC, and our own SQL writes them with now().
 */
export function pgConnection(url: string, settings: PgSessionSettings = {}): pg.ClientConfig {
  return {
    connectionString: url,
    types,
    options: "-c TimeZone=UTC",
    ...(settings.idleInTransactionMs ? { idle_in_transaction_session_timeout: Math.round(settings.idleInTransactionMs) } : {}),
  };
}

export interface PgSessionSettings {
  /**
   * Postgres ends a transaction of ours that sits idle this long. Only a paused or hung process leaves one open (ours
   * never wait between statements), and it may hold a lock every replica needs (the event commit lock): a replica
   * passes its heartbeat lease, after which it counts as dead anyway.
   */
  idleInTransactionMs?: number | undefined;
}

/**
 * Runs `work` while this process holds a session-level advisory lock, on a connection of its own (so the lock is
 * released with it even if `work` fails or the process dies): for work that must not run on two servers at once.
 */
export async function withAdvisoryLock<T>(url: string, key: number, work: () => Promise<T>): Promise<T> {
  const lock = new pgTypes.Client({ connectionString: url });
  lock.on("error", () => undefined);
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [key]);
    return await work();
  } finally {
    await lock.end().catch(() => undefined);
  }
}
