/**
 * Timeline windows over a long session, on both stores: the reads behind the page's scrollbar and its "Go to" (newest
 * rows, positions, a seq, a time, a filtered window). Seeds N events of one session (with events of another session
 * interleaved; Postgres straight into the table, SQLite through the store's appendBatch), then prints the first call
 * (which counts the session) and the median of 5 calls each.
 * `node --import tsx bench/window.ts [--events=1000000] [--store=both|sqlite|postgres]`
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase, type Database, type NewEvent } from "@rozet/db";
import { startTestPostgres } from "@rozet/db/testing";

const { values } = parseArgs({ options: { events: { type: "string", default: "1000000" }, store: { type: "string", default: "both" } } });
const N = Number(values.events);
/** Every tenth event belongs to the other session; every seventh is a tool event. */
const RAW = Math.round(N / 0.9);
const TIME0 = 1_700_000_000_000;

async function seedPostgres(url: string): Promise<string> {
  const seed = new pg.Client({ connectionString: url });
  await seed.connect();
  await seed.query(`INSERT INTO "Session" ("id", "name", "updatedAt") VALUES ('long', 'long', now()), ('other', 'other', now())`);
  await seed.query(
    `INSERT INTO "Event" ("eventId", "sessionId", "source", "type", "schemaVersion", "receivedAt", "toolName", "summary", "payloadEncoding", "payloadSize", "payload")
     SELECT 'e' || i, CASE WHEN i % 10 = 0 THEN 'other' ELSE 'long' END, 'bench', CASE WHEN i % 7 = 0 THEN 'tool.finished' ELSE 'note.added' END, 2,
            $2::bigint + i * 10, CASE WHEN i % 7 = 0 THEN 'Bash' END, 'event ' || i, 0, 2, '\\x7b7d'::bytea
     FROM generate_series(1, $1::int) AS i`,
    [RAW, TIME0],
  );
  await seed.query(`VACUUM ANALYZE "Event"`);
  await seed.end();
  return "long";
}

async function seedSqlite(db: Database): Promise<string> {
  const realNow = Date.now;
  let sessionId = "";
  try {
    for (let from = 1; from <= RAW; from += 1_000) {
      const batch: NewEvent[] = [];
      for (let i = from; i < Math.min(from + 1_000, RAW + 1); i++) {
        const tool = i % 7 === 0;
        batch.push({ eventId: `e${i}`, session: { ref: i % 10 === 0 ? "other" : "long" }, source: "bench", type: tool ? "tool.finished" : "note.added", schemaVersion: 2, toolName: tool ? "Bash" : undefined, summary: `event ${i}`, payloadJson: "{}" });
      }
      // One receive time per batch, as the writer stamps them.
      Date.now = () => TIME0 + from * 10;
      const outcome = await db.events.appendBatch(batch);
      sessionId ||= outcome.results.find((r) => !r.duplicate && batch.find((e) => e.eventId === r.eventId)!.session.ref === "long")!.sessionId;
    }
  } finally {
    Date.now = realNow;
  }
  return sessionId;
}

async function measure(label: string, db: Database, sessionId: string): Promise<void> {
  const limit = 200;
  const cold = performance.now();
  await db.events.window({ sessionId, limit });
  console.log(`${label.padEnd(9)} ${"first window (counts the session)".padEnd(42)}        ${(performance.now() - cold).toFixed(1).padStart(7)} ms`);
  const median = async (what: string, read: () => Promise<{ total: number; start: number; events: unknown[] }>) => {
    const times: number[] = [];
    let last: { total: number; start: number; events: unknown[] } | undefined;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      last = await read();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(9)} ${what.padEnd(42)} median ${times[2]!.toFixed(1).padStart(7)} ms  (total ${last!.total.toLocaleString("en-US")}, start ${last!.start.toLocaleString("en-US")}, ${last!.events.length} rows)`);
  };
  await median("newest rows", () => db.events.window({ sessionId, limit }));
  await median("position 10", () => db.events.window({ sessionId, position: 10, before: 50, limit }));
  await median("position N/2", () => db.events.window({ sessionId, position: Math.floor(N / 2), before: 50, limit }));
  await median("position N - 1,000", () => db.events.window({ sessionId, position: N - 1_000, before: 50, limit }));
  await median("seq in the middle", () => db.events.window({ sessionId, seq: Math.floor(N / 1.8), before: 50, limit }));
  await median("time in the middle", () => db.events.window({ sessionId, time: TIME0 + Math.floor(N / 1.8) * 10, before: 50, limit }));
  await median("tool events only, position in the middle", () => db.events.window({ sessionId, types: ["tool.finished"], position: Math.floor(N / 14), before: 50, limit }));
}

console.log(`${N.toLocaleString("en-US")} events of one session; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
if (values.store !== "postgres") {
  const home = mkdtempSync(path.join(tmpdir(), "rozet-window-"));
  try {
    const db = await openDatabase(path.join(home, "rozet.db"));
    const seeded = performance.now();
    const sessionId = await seedSqlite(db);
    console.log(`sqlite    seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    await measure("sqlite", db, sessionId);
    await db.close();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
if (values.store !== "sqlite") {
  const server = await startTestPostgres({ fsync: false });
  try {
    const db = await openDatabase(server.url);
    const seeded = performance.now();
    const sessionId = await seedPostgres(server.url);
    console.log(`postgres  seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    await measure("postgres", db, sessionId);
    await db.close();
  } finally {
    await server.stop();
  }
}
