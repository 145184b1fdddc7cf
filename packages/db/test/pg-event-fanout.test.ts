import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventWriter, migratePostgres, PgEventFanout, PgEventStore, type EventOrigin, type NewEvent } from "../src/index.ts";
import { startTestPostgres, type TestPostgres } from "../src/testing/postgres.ts";

/** One replica as far as events go: its own store (writer connection + pool), writer and fan-out. */
interface Replica {
  store: PgEventStore;
  writer: EventWriter;
  fanout: PgEventFanout;
  published: { seq: number; origin: EventOrigin }[];
  /** Resolves once the fan-out has published up to `seq`. */
  reached(seq: number): Promise<void>;
  close(): Promise<void>;
}

async function startReplica(url: string): Promise<Replica> {
  const store = await PgEventStore.open(url);
  const writer = new EventWriter({ store, onCommit: () => undefined });
  const published: Replica["published"] = [];
  const waiting: { seq: number; resolve: () => void }[] = [];
  const fanout = await PgEventFanout.start({
    url,
    store,
    reconnectMs: 20,
    publish(batch, origin) {
      for (const event of batch) published.push({ seq: event.seq, origin });
      const last = batch.at(-1)!.seq;
      for (const w of waiting.filter((w) => w.seq <= last)) w.resolve();
    },
  });
  return {
    store,
    writer,
    fanout,
    published,
    reached: (seq) => (fanout.position >= seq ? Promise.resolve() : new Promise((resolve) => waiting.push({ seq, resolve }))),
    async close() {
      await fanout.close();
      await writer.close();
      await store.close();
    },
  };
}

let n = 0;
function event(session: string): NewEvent {
  n += 1;
  return { eventId: `fan-${n}`, session: { ref: session }, agent: { ref: `${session}-agent` }, source: "test", type: "note.added", schemaVersion: 2, summary: `note ${n}`, payloadJson: JSON.stringify({ n }) };
}

/** Polls Postgres's own view of backends until `count` of them wait for a lock (what the test arranges). */
async function lockWaiters(db: pg.Client, count: number): Promise<void> {
  for (;;) {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`);
    if (Number(rows[0]!.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("event fan-out across replicas on one Postgres", () => {
  let server: TestPostgres;
  let a: Replica;
  let b: Replica;
  let admin: pg.Client;
  beforeAll(async () => {
    server = await startTestPostgres({ fsync: false });
    await migratePostgres(server.url);
    a = await startReplica(server.url);
    b = await startReplica(server.url);
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await a?.close();
    await b?.close();
    await server?.stop();
  });

  it("two concurrent writers: each replica publishes every event once, in seq order, marked local or replica", async () => {
    const fromA = a.published.length;
    const fromB = b.published.length;
    // Both create the same session on first sight at the same time, then keep writing interleaved.
    const appends = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).writer.append([event("shared"), event(i % 3 === 0 ? "shared" : `own-${i % 2}`)]).then((results) => ({ by: i % 2 === 0 ? "a" : "b", results }))),
    );
    const seqs = appends.flatMap(({ by, results }) => results.map((r) => ({ by, seq: r.seq, sessionId: r.sessionId })));
    expect(new Set(seqs.map((s) => s.seq)).size).toBe(120);
    expect(new Set(appends.map((x) => x.results[0]!.sessionId)).size).toBe(1);
    const last = Math.max(...seqs.map((s) => s.seq));
    await Promise.all([a.reached(last), b.reached(last)]);
    const expected = seqs.map((s) => s.seq).sort((x, y) => x - y);
    for (const [replica, name, since] of [[a, "a", fromA], [b, "b", fromB]] as const) {
      const got = replica.published.slice(since);
      expect(got.map((p) => p.seq)).toEqual(expected);
      const byOrigin = new Map(seqs.map((s) => [s.seq, s.by === name ? "local" : "replica"]));
      expect(got.filter((p) => p.origin !== byOrigin.get(p.seq))).toEqual([]);
    }
  });

  it("a commit that took its seqs first but commits last is not skipped (seq order = commit order)", async () => {
    const [first] = await a.writer.append([event("slow")]);
    await Promise.all([a.reached(first!.seq), b.reached(first!.seq)]);
    // Hold the slow session's totals row: A's next commit takes its seq, then waits here before COMMIT.
    const holder = new pg.Client({ connectionString: server.url });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query(`SELECT 1 FROM "SessionStats" WHERE "sessionId" = $1 FOR UPDATE`, [first!.sessionId]);
    const slow = a.writer.append([event("slow")]);
    await lockWaiters(admin, 1);
    // B commits meanwhile (without the commit lock it would take a higher seq and become visible first).
    const fast = b.writer.append([event("fast")]);
    await Promise.race([fast, lockWaiters(admin, 2)]);
    await holder.query("COMMIT");
    await holder.end();
    const [[slowResult], [fastResult]] = await Promise.all([slow, fast]);
    expect(slowResult!.seq).toBeLessThan(fastResult!.seq);
    await Promise.all([a.reached(fastResult!.seq), b.reached(fastResult!.seq)]);
    for (const replica of [a, b]) {
      expect(replica.published.map((p) => p.seq)).toContain(slowResult!.seq);
      expect(replica.published.map((p) => p.seq)).toContain(fastResult!.seq);
    }
  });

  it("a LISTEN connection the server ends is reopened, and what was committed meanwhile is published", async () => {
    const before = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN rozet_events'`);
    expect(before.rows).toHaveLength(2);
    await admin.query(`SELECT pg_terminate_backend($1)`, [before.rows[0]!.pid]);
    const results = await b.writer.append([event("after-cut"), event("after-cut")]);
    const last = results.at(-1)!.seq;
    await Promise.all([a.reached(last), b.reached(last)]);
    for (const replica of [a, b]) expect(replica.published.map((p) => p.seq)).toEqual(expect.arrayContaining(results.map((r) => r.seq)));
    // Each replica published every event exactly once, ascending, over the whole run.
    for (const replica of [a, b]) {
      const seqs = replica.published.map((p) => p.seq);
      expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
    }
  });
});
