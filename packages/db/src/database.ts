import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { PgTokenLookup, SqliteTokenLookup, type TokenLookup } from "./access/token-lookup.ts";
import { PgEventStore } from "./events/pg-event-store.ts";
import { SqliteEventStore } from "./events/sqlite-event-store.ts";
import { WalSyncer } from "./events/wal-syncer.ts";
import type { EventStore } from "./events/types.ts";
import { applyMigrations, applyPostgresMigrations, committedMigrations } from "./migrate.ts";
import { ResilientPool } from "./pg-pool.ts";
import { isPostgresUrl, pgConnection, redactUrl, type PgSessionSettings } from "./postgres.ts";
import { createPostgresPrisma, createPrisma, type PrismaClient } from "./prisma.ts";
import { POSTGRES_MIGRATIONS_DIR, SQLITE_MIGRATIONS_DIR } from "./schema/files.ts";
import { openSqlite, type SqliteOptions } from "./sqlite.ts";

export const MIGRATIONS_DIR = SQLITE_MIGRATIONS_DIR;

export interface Database {
  /** Which store this is. */
  kind: "sqlite" | "postgres";
  /** The SQLite file, or the Postgres URL without its password. */
  file: string;
  prisma: PrismaClient;
  events: EventStore;
  /** Per-request token checks (API tokens are created and revoked through Prisma). */
  tokens: TokenLookup;
  appliedMigrations: string[];
  close(): Promise<void>;
}

export interface DatabaseOptions extends SqliteOptions, PgSessionSettings {
  /** Postgres: connections the server ends under us (restart, admin shutdown) are reported here, not thrown. */
  onConnectionError?: (error: Error) => void;
}

/**
 * Opens (creating and migrating if needed) the control room's store: `location` is a `postgres://` URL or a SQLite
 * file path. Everything else (Prisma's models, events, tokens) is the same interface on both.
 */
export function openDatabase(location: string, options: DatabaseOptions = {}): Promise<Database> {
  return isPostgresUrl(location) ? openPostgres(location, options) : openSqliteDatabase(location, options);
}

/**
 * SQLite: with synchronous FULL (the default) event commits are made durable by a WalSyncer before they are
 * acknowledged, off the event loop; with NORMAL they survive a crash of the process but not of the machine.
 */
async function openSqliteDatabase(file: string, options: SqliteOptions): Promise<Database> {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = openSqlite(file, { synchronous: "NORMAL" });
  const appliedMigrations = applyMigrations(sqlite, SQLITE_MIGRATIONS_DIR);
  const client = await createPrisma(file);
  const prisma = client.prisma;
  const events = new SqliteEventStore(sqlite, (options.synchronous ?? "FULL") === "FULL" ? new WalSyncer(`${file}-wal`) : undefined);
  return {
    kind: "sqlite",
    file,
    prisma,
    events,
    tokens: new SqliteTokenLookup(sqlite),
    appliedMigrations,
    async close() {
      await client.close();
      await events.close();
    },
  };
}

/** Applies the pending Postgres migrations on a connection of its own (under Prisma's advisory lock); returns their names. */
export async function migratePostgres(url: string, onConnectionError: (error: Error) => void = () => undefined): Promise<string[]> {
  // A server that accepts but never answers fails the start after 10 s instead of hanging it.
  const migrator = new pg.Client({ ...pgConnection(url), connectionTimeoutMillis: 10_000 });
  migrator.on("error", onConnectionError);
  try {
    await migrator.connect();
  } catch (error) {
    // AggregateError (several addresses refused) has an empty message: name the codes then.
    const reason = (error as Error).message || String((error as { code?: string }).code ?? error);
    throw new Error(`cannot connect to Postgres at ${redactUrl(url)}: ${reason}`, { cause: error });
  }
  try {
    return await applyPostgresMigrations(migrator, POSTGRES_MIGRATIONS_DIR);
  } finally {
    await migrator.end();
  }
}

/** Postgres: migrated first, then Prisma, the event store and the token pool. */
async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const onConnectionError = options.onConnectionError ?? (() => undefined);
  const appliedMigrations = await migratePostgres(url, onConnectionError);
  const settings: PgSessionSettings = { idleInTransactionMs: options.idleInTransactionMs };
  const prisma = await createPostgresPrisma(url, settings);
  const events = await PgEventStore.open(url, { ...settings, onConnectionError });
  const tokenPool = new ResilientPool({ ...pgConnection(url, settings), max: 2 });
  tokenPool.on("error", onConnectionError);
  return {
    kind: "postgres",
    file: redactUrl(url),
    prisma,
    events,
    tokens: new PgTokenLookup(tokenPool),
    appliedMigrations,
    async close() {
      await prisma.$disconnect();
      await events.close();
      await tokenPool.end();
    },
  };
}

/** For `rozet doctor`: whether the Postgres server answers, its version, and which migrations the next start applies. */
export async function probePostgres(url: string): Promise<{ version: string; pendingMigrations: string[] }> {
  const client = new pg.Client({ ...pgConnection(url), connectionTimeoutMillis: 5_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? "?";
    const bookkeeping = (await client.query<{ t: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS t`)).rows[0]?.t;
    const applied = bookkeeping
      ? (await client.query<{ migration_name: string }>(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).rows.map((r) => r.migration_name)
      : [];
    return { version, pendingMigrations: committedMigrations(POSTGRES_MIGRATIONS_DIR).filter((name) => !applied.includes(name)) };
  } finally {
    await client.end();
  }
}
