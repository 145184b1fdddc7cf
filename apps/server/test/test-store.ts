import { homePaths } from "../src/config.ts";
import Database from "better-sqlite3";
import { createTestDatabase, runSql, startTestPostgres, type TestPostgres } from "@rozet/db/testing";

/**
 * Which store the server tests run on: SQLite in each test's home (the default), or with ROZET_TEST_STORE=postgres
 * a Postgres cluster of this test file's own (started on first use, stopped after the file by test/setup-store.ts)
 * with a fresh database per home, so a server restarted on the same home finds its data again.
 */
export const TEST_STORE: "sqlite" | "postgres" = process.env.ROZET_TEST_STORE === "postgres" ? "postgres" : "sqlite";

let cluster: Promise<TestPostgres> | undefined;
const databases = new Map<string, Promise<string>>();

/** The database URL for the server of this home (null on SQLite: the server uses the file in the home). */
export function testDatabaseUrl(home: string): Promise<string | null> {
  if (TEST_STORE !== "postgres") return Promise.resolve(null);
  let url = databases.get(home);
  if (!url) {
    url = createDatabase(`rozet_${databases.size + 1}`);
    databases.set(home, url);
  }
  return url;
}

async function createDatabase(name: string): Promise<string> {
  cluster ??= startTestPostgres({ fsync: false });
  return createTestDatabase(await cluster, name);
}

/** The environment a `rozet` child process needs to use the same store as an in-process server on this home. */
export async function storeEnv(home: string): Promise<Record<string, string>> {
  const url = await testDatabaseUrl(home);
  return url ? { ROZET_DATABASE_URL: url } : {};
}

export async function stopTestCluster(): Promise<void> {
  const started = cluster;
  cluster = undefined;
  databases.clear();
  if (started) await (await started).stop();
}

/** What `openDatabase` opens for this home's server: its Postgres database, or the SQLite file in the home. */
export async function storeLocation(home: string): Promise<string> {
  return (await testDatabaseUrl(home)) ?? homePaths(home).database;
}

/** Runs SQL (written to work on both stores) on this home's database behind the server's back. */
export async function execOnStore(home: string, sql: string): Promise<void> {
  const url = await testDatabaseUrl(home);
  if (url) return runSql(url, sql);
  const db = new Database(homePaths(home).database);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
