import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TokenLookup } from "./access/token-lookup.ts";
import { SqliteEventStore } from "./events/sqlite-event-store.ts";
import { WalSyncer } from "./events/wal-syncer.ts";
import type { EventStore } from "./events/types.ts";
import { applyMigrations } from "./migrate.ts";
import { createPrisma, type PrismaClient } from "./prisma.ts";
import { openSqlite, type SqliteOptions } from "./sqlite.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));

export interface Database {
  file: string;
  prisma: PrismaClient;
  events: EventStore;
  /** Per-request token checks (API tokens are created and revoked through Prisma). */
  tokens: TokenLookup;
  appliedMigrations: string[];
  close(): Promise<void>;
}

/**
 * Opens (creating and migrating if needed) the control room's SQLite database at `file`. With synchronous FULL
 * (the default) event commits are made durable by a WalSyncer before they are acknowledged, off the event loop;
 * with NORMAL they survive a crash of the process but not of the machine.
 */
export async function openDatabase(file: string, options: SqliteOptions = {}): Promise<Database> {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = openSqlite(file, { synchronous: "NORMAL" });
  const appliedMigrations = applyMigrations(sqlite, MIGRATIONS_DIR);
  const prisma = await createPrisma(file);
  const events = new SqliteEventStore(sqlite, (options.synchronous ?? "FULL") === "FULL" ? new WalSyncer(`${file}-wal`) : undefined);
  return {
    file,
    prisma,
    events,
    tokens: new TokenLookup(sqlite),
    appliedMigrations,
    async close() {
      await prisma.$disconnect();
      await events.close();
    },
  };
}
