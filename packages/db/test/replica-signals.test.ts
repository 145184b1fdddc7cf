import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgSignals } from "../src/index.ts";
import { startTestPostgres, type TestPostgres } from "../src/testing/postgres.ts";

type Topics = { note: { n: number; text: string } };

describe("replica signals over Postgres NOTIFY", () => {
  let server: TestPostgres;
  let a: PgSignals<Topics>;
  let b: PgSignals<Topics>;
  beforeAll(async () => {
    server = await startTestPostgres({ fsync: false });
    a = await PgSignals.open<Topics>(server.url);
    b = await PgSignals.open<Topics>(server.url, { reconnectMs: 20 });
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
  });

  it("reach the other replica in the order sent, large ones too, and never the sender", async () => {
    const atA: number[] = [];
    const atB: { n: number; length: number }[] = [];
    a.on("note", (m) => atA.push(m.n));
    const three = new Promise<void>((resolve) =>
      b.on("note", (m) => {
        atB.push({ n: m.n, length: m.text.length });
        if (atB.length === 3) resolve();
      }),
    );
    await a.send("note", { n: 1, text: "small" });
    await a.send("note", { n: 2, text: "x".repeat(20_000) }); // over NOTIFY's 8000-byte limit
    await a.send("note", { n: 3, text: "small again" });
    await three;
    expect(atB).toEqual([{ n: 1, length: 5 }, { n: 2, length: 20_000 }, { n: 3, length: 11 }]);
    expect(atA).toEqual([]);
  });

  it("a replica cut off from Postgres reconnects and is told to resync (what it missed is not replayed)", async () => {
    const resynced = new Promise<void>((resolve) => b.onResync(resolve));
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    const listeners = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN rozet_signals' ORDER BY backend_start DESC`);
    expect(listeners.rows).toHaveLength(2);
    await admin.query("SELECT pg_terminate_backend($1)", [listeners.rows[0]!.pid]);
    await admin.end();
    await resynced;
    const after = new Promise<number>((resolve) => b.on("note", (m) => resolve(m.n)));
    await a.send("note", { n: 4, text: "after" });
    expect(await after).toBe(4);
  });
});
