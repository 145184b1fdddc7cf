import { existsSync, renameSync, rmSync } from "node:fs";
import Database from "better-sqlite3";

/** Every page in one backup step: the copy is one consistent snapshot, however busy the writers are. */
const ALL_PAGES = 0x7fffffff;

/**
 * A consistent copy of a live database file, taken with SQLite's online backup API while other connections
 * (a running control room) keep writing: writers are not blocked for longer than the copy of the pages, and the
 * copy is one snapshot (what was committed when it started). The result is a self-contained file (rollback
 * journal, no -wal beside it), checked with `PRAGMA quick_check`; written beside the target and renamed into
 * place, so a failed backup never leaves a half file under the target's name.
 */
export async function backupDatabase(source: string, target: string): Promise<{ pages: number; events: number }> {
  if (!existsSync(source)) throw new Error(`no database at ${source}`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true });
  let pages: number;
  try {
    db.pragma("busy_timeout = 5000");
    pages = (await db.backup(partial, { progress: () => ALL_PAGES })).totalPages;
  } finally {
    db.close();
  }
  const copy = new Database(partial);
  let events: number;
  try {
    copy.pragma("journal_mode = DELETE");
    const check = copy.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new Error(`the backup failed its integrity check: ${String(check)}`);
    events = copy.prepare("SELECT count(*) FROM Event").pluck().get() as number;
  } finally {
    copy.close();
  }
  renameSync(partial, target);
  return { pages, events };
}
