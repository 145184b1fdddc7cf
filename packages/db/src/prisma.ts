import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";
import { PrismaClient as PostgresPrismaClient } from "./generated/prisma-postgres/client.ts";
import { ResilientPool } from "./pg-pool.ts";
import { pgConnection, type PgSessionSettings } from "./postgres.ts";
import { TransactionGate } from "./prisma-transaction-gate.ts";

export type { PrismaClient };
export * as Prisma from "./generated/prisma/models.ts";

/** How long closing waits for Prisma transactions still queued or open. */
const CLOSE_DRAIN_MS = 10_000;

/** Prisma for ordinary CRUD, on the same SQLite file as the event store, with a busy timeout. */
export async function createPrisma(file: string): Promise<{ prisma: PrismaClient; close(): Promise<void> }> {
  const adapter = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 5000 });
  const gate = new TransactionGate();
  let closed = false;
  const prisma = new PrismaClient({
    adapter: {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      // Prisma connects again on a query after $disconnect: after close that would open a new handle nobody closes.
      connect: async () => {
        if (closed) throw new Error("the database is closed");
        return gate.wrap(await adapter.connect());
      },
    },
  });
  // PRAGMA returns a row, so it needs a query call; verify before the server listens.
  await prisma.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  const [mode] = await prisma.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
  if (mode?.journal_mode !== "wal") throw new Error(`Prisma connection is not in WAL mode (${mode?.journal_mode})`);
  return {
    prisma,
    async close() {
      // $disconnect cancels transactions in flight (see TransactionGate): let them finish first.
      await gate.drain(CLOSE_DRAIN_MS);
      closed = true;
      await prisma.$disconnect();
    },
  };
}

/**
 * Prisma on Postgres: the client generated from prisma/postgres/schema.prisma, which has the same models as the
 * SQLite schema (generated from it; packages/db/test/schema-twins.test.ts keeps them so). Its model API is the
 * same, so the rest of the code sees one `PrismaClient` type; the cast is the one place the two clients meet.
 */
export async function createPostgresPrisma(url: string, settings: PgSessionSettings = {}): Promise<PrismaClient> {
  const { connectionString, options, idle_in_transaction_session_timeout } = pgConnection(url, settings);
  const pool = new ResilientPool({ connectionString, options, idle_in_transaction_session_timeout, max: 8 });
  const prisma = new PostgresPrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  await prisma.$connect();
  return prisma as unknown as PrismaClient;
}
