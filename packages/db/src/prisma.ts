import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";
import { PrismaClient as PostgresPrismaClient } from "./generated/prisma-postgres/client.ts";
import { pgConnection } from "./postgres.ts";

export type { PrismaClient };
export * as Prisma from "./generated/prisma/models.ts";

/** Prisma for ordinary CRUD, on the same SQLite file as the event store, with a busy timeout. */
export async function createPrisma(file: string): Promise<PrismaClient> {
  const adapter = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 5000 });
  const prisma = new PrismaClient({ adapter });
  // PRAGMA returns a row, so it needs a query call; verify before the server listens.
  await prisma.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  const [mode] = await prisma.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
  if (mode?.journal_mode !== "wal") throw new Error(`Prisma connection is not in WAL mode (${mode?.journal_mode})`);
  return prisma;
}

/**
 * Prisma on Postgres: the client generated from prisma/postgres/schema.prisma, which has the same models as the
 * SQLite schema (generated from it; packages/db/test/schema-twins.test.ts keeps them so). Its model API is the
 * same, so the rest of the code sees one `PrismaClient` type; the cast is the one place the two clients meet.
 */
export async function createPostgresPrisma(url: string): Promise<PrismaClient> {
  const { connectionString, options } = pgConnection(url);
  const prisma = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString, options, max: 8 }) });
  await prisma.$connect();
  return prisma as unknown as PrismaClient;
}
