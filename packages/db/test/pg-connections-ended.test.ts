import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/index.ts";
import { ResilientPool } from "../src/pg-pool.ts";
import { createTestDatabase, startTestPostgres, type TestPostgres } from "../src/testing/postgres.ts";

/**
 * Postgres ends connections of ours (a restart, a failover, pg_terminate_backend) that a statement is about to use or
 * is running on. A statement Postgres answers with the end of the session did not run: it is sent once more on
 * another connection, reads and writes alike, and the caller gets its answer instead of an internal error.
 */
describe("pooled Postgres connections ended under a statement", () => {
  let server: TestPostgres;
  let url: string;
  let admin: pg.Client;
  let locker: pg.Client;
  let db: Database;
  beforeAll(async () => {
    server = await startTestPostgres({ fsync: false });
    url = await createTestDatabase(server, "ended");
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    locker = new pg.Client({ connectionString: url });
    await locker.connect();
    db = await openDatabase(url);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await locker?.end();
    await admin?.end();
    await server?.stop();
  });

  /**
   * Runs `statement` while another connection holds `table` locked, so that it waits inside Postgres; ends the
   * backend it waits on (waiting for that backend to exit), then lets go of the lock. Returns what it answered.
   */
  async function endedWhileRunning<T>(table: string, statement: () => Promise<T>): Promise<T> {
    await locker.query("BEGIN");
    await locker.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
    const answer = statement().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    let ended = 0;
    while (ended === 0) {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid NOT IN (pg_backend_pid(), $1)`,
        [(locker as unknown as { processID: number }).processID],
      );
      ended = rows[0]!.n;
      if (ended === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await locker.query("COMMIT");
    const settled = await answer;
    if ("error" in settled) throw settled.error;
    return settled.value;
  }

  it("a read on the token pool, the event reader and Prisma is answered", async () => {
    expect(await endedWhileRunning("ApiToken", () => db.tokens.hasActiveTokens())).toBe(false);
    expect(await endedWhileRunning("Event", () => db.events.lastSeq())).toBe(0);
    expect(await endedWhileRunning("Session", () => db.prisma.session.count())).toBe(0);
  });

  it("a write through Prisma is made, once", async () => {
    const id = randomUUID();
    await endedWhileRunning("Session", () => db.prisma.session.create({ data: { id, name: "written through the end" } }));
    expect(await db.prisma.session.count({ where: { name: "written through the end" } })).toBe(1);
  });

  it("a transaction taken on a connection idle for a while whose end is not read yet starts on a live one", async () => {
    const pool = new ResilientPool({ connectionString: url, max: 2 });
    try {
      const first = await pool.connect();
      const pid = (first as unknown as { processID: number }).processID;
      const socket = (first as unknown as { connection: { stream: NodeJS.ReadableStream } }).connection.stream;
      first.release();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      // The end reaches the socket but is not read: what a checkout meets in the instant after a failover.
      socket.pause();
      await admin.query("SELECT pg_terminate_backend($1, 5000)", [pid]);
      const checkout = pool.connect();
      setImmediate(() => socket.resume());
      const client = await checkout;
      try {
        await client.query("BEGIN");
        expect((await client.query<{ one: number }>("SELECT 1 AS one")).rows[0]!.one).toBe(1);
        await client.query("COMMIT");
        expect((client as unknown as { processID: number }).processID).not.toBe(pid);
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });
});
