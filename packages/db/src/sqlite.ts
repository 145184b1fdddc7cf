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
