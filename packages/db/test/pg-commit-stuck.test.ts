import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventWriter, migratePostgres, PgEventStore, type NewEvent } from "../src/index.ts";
import { EVENT_COMMIT_LOCK } from "../src/events/pg-event-store.ts";
import { pgConnection } from "../src/postgres.ts";
import { startTestPostgres, type TestPostgres } from "../src/testing/postgres.ts";

let n = 0;
function event(session: string): NewEvent {
  n += 1;
  return { eventId: `stuck-${n}`, session: { ref: session }, source: "test", type: "note.added", schemaVersion: 2, summary: `note ${n}`, payloadJson: JSON.stringify({ n }) };
}

/** Polls Postgres's own view of backends until one waits for a lock (what the test arranges). */
async function lockWaiter(db: pg.Client): Promise<number> {
  for (;;) {
    const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' LIMIT 1`);
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Every replica's event commits take one advisory lock. A replica paused (SIGSTOP, a frozen VM) between the
 * statements of its commit holds that lock, and with it the ingest of every replica, until Postgres ends its
 * transaction; its own commit connection must then come back.
 */
describe("Postgres commits left stuck", () => {
  let server: TestPostgres;
  let admin: pg.Client;
  let store: PgEventStore;
  let writer: EventWriter;
  beforeAll(async () => {
    server = await startTestPostgres({ fsync: false });
    await migratePostgres(server.url);
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    store = await PgEventStore.open(server.url);
    writer = new EventWriter({ store, onCommit: () => undefined });
  }, 60_000);
  afterAll(async () => {
    await writer?.close();
    await store?.close();
    await admin?.end();
    await server?.stop();
  });

  it("a transaction of another replica left idle while it holds the commit lock ends at its idle limit, and commits go on", async () => {
    // Another replica's connection, as the server opens it, paused mid-commit: the lock taken, COMMIT never sent.
    const paused = new pg.Client(pgConnection(server.url, { idleInTransactionMs: 600 }));
    paused.on("error", () => undefined);
    await paused.connect();
    await paused.query("BEGIN");
    await paused.query("SELECT pg_advisory_xact_lock($1)", [EVENT_COMMIT_LOCK]);
    const started = Date.now();
    const [result] = await writer.append([event("behind-a-paused-replica")]);
    const waitedMs = Date.now() - started;
    expect(result).toMatchObject({ duplicate: false });
    // It did wait for the paused one (so the lock was held), and no longer than its limit and a little.
    expect(waitedMs).toBeGreaterThanOrEqual(400);
    expect(waitedMs).toBeLessThan(5_000);
    // The paused replica's next statement finds its connection gone: nothing it sends commits.
    await expect(paused.query("SELECT 1")).rejects.toThrow();
    await paused.end().catch(() => undefined);
  });

  it("the commit connection Postgres ended between commits is opened again for the next one", async () => {
    await writer.append([event("before-the-cut")]);
    const { rows } = await admin.query<{ n: number }>(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`);
    expect(rows[0]!.n).toBeGreaterThan(0);
    const [result] = await writer.append([event("after-the-cut")]);
    expect(result).toMatchObject({ duplicate: false });
    const stored = await admin.query(`SELECT 1 FROM "Event" WHERE "eventId" = $1`, [`stuck-${n}`]);
    expect(stored.rowCount).toBe(1);
  });

  it("a commit whose connection is ended before COMMIT runs once more on a new connection and is stored once", async () => {
    const holder = new pg.Client({ connectionString: server.url });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT pg_advisory_xact_lock($1)", [EVENT_COMMIT_LOCK]);
    const appended = writer.append([event("cut-mid-commit")]);
    const eventId = `stuck-${n}`;
    // Our commit waits for the lock inside its transaction: end that connection there.
    await admin.query(`SELECT pg_terminate_backend($1)`, [await lockWaiter(admin)]);
    await holder.query("COMMIT");
    await holder.end();
    const [result] = await appended;
    expect(result).toMatchObject({ duplicate: false });
    const stored = await admin.query(`SELECT "seq" FROM "Event" WHERE "eventId" = $1`, [eventId]);
    expect(stored.rows.map((r: { seq: string }) => Number(r.seq))).toEqual([result!.seq]);
  });
});
