import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import type { SqliteDatabase } from "./sqlite.ts";

/**
 * Applies committed Prisma migrations (prisma/migrations/<name>/migration.sql) that are not yet applied.
 * Keeps Prisma's own `_prisma_migrations` bookkeeping (same checksum), so `prisma migrate deploy/status`
 * agree with it. Done in-process because the server must migrate on every start without spawning the CLI.
 */
export function applyMigrations(db: SqliteDatabase, migrationsDir: string): string[] {
  if (!existsSync(migrationsDir)) throw new Error(`migrations folder missing: ${migrationsDir}`);
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
  const applied = new Set(
    db
      .prepare(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
      .pluck()
      .all() as string[],
  );
  const pending = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !applied.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  const record = db.prepare(
    `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
     VALUES (?, ?, ?, ?, ?, 1)`,
  );
  if (pending.length === 0) return pending;
  // Table rebuilds (Prisma's RedefineTables) need foreign keys off, and SQLite ignores that pragma inside a
  // transaction; so it is switched off around the run and the result is checked before it goes back on.
  db.pragma("foreign_keys = OFF");
  try {
    for (const name of pending) {
      const sql = readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const startedAt = new Date().toISOString();
      db.transaction(() => {
        db.exec(sql);
        record.run(randomUUID(), checksum, new Date().toISOString(), name, startedAt);
      })();
    }
    const violations = db.pragma("foreign_key_check") as unknown[];
    if (violations.length > 0) throw new Error(`migration left ${violations.length} foreign key violations`);
  } finally {
    db.pragma("foreign_keys = ON");
  }
  return pending;
}
