import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/index.ts";
import { startTestPostgres } from "../src/testing/postgres.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("test Postgres harness", () => {
  it("starts a real server on a free port and leaves no process or data dir behind", async () => {
    const server = await startTestPostgres({ fsync: false });
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ version: string }>("SELECT version()");
    expect(rows[0]!.version).toMatch(/^PostgreSQL \d+/);
    await client.end();
    expect(alive(server.pid)).toBe(true);
    await server.stop();
    expect(alive(server.pid)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
  });
});

describe("the Postgres store when its server goes away", () => {
  it("hands the ended connections to its handler instead of crashing, and the next read fails", async () => {
    const server = await startTestPostgres({ fsync: false });
    const errors: Error[] = [];
    const db = await openDatabase(server.url, { onConnectionError: (error) => errors.push(error) });
    const store = db.events;
    await store.lastSeq(); // the read pool holds an idle connection now
    await server.stop(); // fast shutdown: the server ends every connection
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.message).join(" ")).toMatch(/terminat/);
    await expect(store.lastSeq()).rejects.toThrow();
    await db.close().catch(() => undefined);
  });
});
