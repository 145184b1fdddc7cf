import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import type { SqliteDatabase } from "./sqlite.ts";

/**
 * Committed Prisma migrations (<dir>/<name>/migration.sql) are applied in-process, on every start, because the server
 * must not spawn the CLI. Both stores keep Prisma's own `_prisma_migrations` bookkeeping (same checksum), so
 * `prisma migrate deploy/status` agree with it.
 */
interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The names of the committed migrations, oldest first. */
export function committedMigrations(migrationsDir: string): string[] {
  if (!existsSync(migrationsDir)) throw new Error(`migrations folder missing: ${migrationsDir}`);
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The committed migrations not in `applied`, oldest first. */
function pendingMigrations(migrationsDir: string, applied: Set<string>): Migration[] {
  return committedMigrations(migrationsDir)
    .filter((name) => !applied.has(name))
    .map((name) => {
      const sql = readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const APPLIED = `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

export function applyMigrations(db: SqliteDatabase, migrationsDir: string): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "checksum" TEXT NOT NULL,
    "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL,
    "logs" TEXT,
    "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
  )`);
  const pending = pendingMigrations(migrationsDir, new Set(db.prepare(APPLIED).pluck().all() as string[]));
  const record = db.prepare(
    `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
     VALUES (?, ?, ?, ?, ?, 1)`,
  );
  if (pending.length === 0) return [];
  // Table rebuilds (Prisma's RedefineTables) need foreign keys off, and SQLite ignores that pragma inside a
  // transaction; so it is switched off around the run and the result is checked before it goes back on.
  db.pragma("foreign_keys = OFF");
  try {
    for (const migration of pending) {
      const startedAt = new Date().toISOString();
      db.transaction(() => {
        db.exec(migration.sql);
        record.run(randomUUID(), migration.checksum, new Date().toISOString(), migration.name, startedAt);
      })();
    }
    const violations = db.pragma("foreign_key_check") as unknown[];
    if (violations.length > 0) throw new Error(`migration left ${violations.length} foreign key violations`);
  } finally {
    db.pragma("foreign_keys = ON");
  }
  return pending.map((m) => m.name);
}

/** The advisory lock `prisma migrate` takes too: replicas starting together migrate one after the other. */
const MIGRATION_LOCK = 72707369;

/** The same on Postgres: each migration and its bookkeeping row in one transaction (Postgres DDL is transactional). */
export async function applyPostgresMigrations(db: pg.ClientBase, migrationsDir: string): Promise<string[]> {
  await db.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
  try {
    await db.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const applied = (await db.query<{ migration_name: string }>(APPLIED)).rows.map((r) => r.migration_name);
    const pending = pendingMigrations(migrationsDir, new Set(applied));
    for (const migration of pending) {
      await db.query("BEGIN");
      try {
        const startedAt = new Date();
        await db.query(migration.sql);
        await db.query(
          `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await db.query("COMMIT");
      } catch (error) {
        await db.query("ROLLBACK");
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
    return pending.map((m) => m.name);
  } finally {
    await db.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
  }
}
