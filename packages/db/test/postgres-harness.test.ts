import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
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
