import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@rozet/vocabulary";
import { PgAgentLeases } from "../src/index.ts";
import { startTestPostgres, type TestPostgres } from "../src/testing/postgres.ts";

/** Agent leases of two replicas on one Postgres: session-level advisory locks on a connection of each replica's own. */
describe("agent leases on Postgres", () => {
  let server: TestPostgres;
  let admin: pg.Client;
  let a: PgAgentLeases;
  let b: PgAgentLeases;
  beforeAll(async () => {
    server = await startTestPostgres({ fsync: false });
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    a = await PgAgentLeases.open(server.url, silentLogger);
    b = await PgAgentLeases.open(server.url, silentLogger);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin?.end();
    await server?.stop();
  });

  it("an agent held by one replica is held elsewhere for the other, and for nobody once that replica is gone", async () => {
    await a.hold("agent-1");
    expect(await b.heldElsewhere(["agent-1", "agent-2"])).toEqual(new Set(["agent-1"]));
    // Asking does not take the lease: the first replica still holds it alone.
    expect(await a.heldElsewhere(["agent-1"])).toEqual(new Set());
    expect(await b.heldElsewhere(["agent-1"])).toEqual(new Set(["agent-1"]));
  });

  it("a lease connection Postgres ends is opened again and the leases taken back without waiting for the next use", async () => {
    await a.hold("agent-3");
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT DISTINCT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objid::bigint = (hashtextextended('agent-3', 0) & 4294967295)`,
    );
    expect(rows).toHaveLength(1);
    await admin.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    // Nobody holds it for a moment; then the first replica does again, on its own.
    const deadline = Date.now() + 10_000;
    let heldAgain = false;
    while (!heldAgain && Date.now() < deadline) {
      const held = await admin.query<{ pid: number }>(
        `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objid::bigint = (hashtextextended('agent-3', 0) & 4294967295)`,
      );
      heldAgain = held.rows.length > 0 && held.rows[0]!.pid !== rows[0]!.pid;
      if (!heldAgain) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(heldAgain).toBe(true);
    expect(await b.heldElsewhere(["agent-3"])).toEqual(new Set(["agent-3"]));
  });
});
