import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client.ts";

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
