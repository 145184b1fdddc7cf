import Database from "better-sqlite3";

export type SqliteDatabase = Database.Database;

export interface SqliteOptions {
  /** FULL survives power loss; NORMAL survives process crashes only (WAL). */
  synchronous?: "FULL" | "NORMAL";
}

/** Opens the SQLite file with the pragmas both connections (ours and Prisma's) must share. */
export function openSqlite(file: string, options: SqliteOptions = {}): SqliteDatabase {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
  db.pragma("foreign_keys = ON");
  const mode = db.pragma("journal_mode", { simple: true });
  if (mode !== "wal") throw new Error(`SQLite refused WAL mode (got ${String(mode)}) for ${file}`);
  return db;
}

/**
 * Opens an in-memory database: better-sqlite3 loads its native addon only then, so a build for another Node (an
 * `npm ci` run by another Node, or an npmrc `nodedir` naming another Node's headers) shows here, not at startup.
 * `nativeBinding`: another addon file to load instead of the installed one.
 */
export function probeSqliteDriver(nativeBinding?: string): { sqliteVersion: string } {
  const db = new Database(":memory:", nativeBinding === undefined ? {} : { nativeBinding });
  try {
    return { sqliteVersion: db.prepare<[], { v: string }>("SELECT sqlite_version() AS v").get()!.v };
  } finally {
    db.close();
  }
}
