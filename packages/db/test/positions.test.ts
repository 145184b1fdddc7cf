import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database, type EventSummary, type NewEvent } from "../src/index.ts";
import { POSITION_CHUNK } from "../src/events/positions.ts";
import { startTestPostgres } from "../src/testing/postgres.ts";

// Three chunks of seqs and more, two sessions interleaved (so a session's seqs have gaps), three types.
const EVENTS = Math.round(POSITION_CHUNK * 2.6);
let db: Database;
let closeDatabase: () => Promise<void>;
let all: EventSummary[];

/** The same positions on both stores: SQLite counts chunk by chunk between turns, Postgres all at once. */
const stores: [string, () => Promise<{ db: Database; close: () => Promise<void> }>][] = [
  [
    "sqlite",
    async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), "rozet-positions-"));
      const opened = await openDatabase(path.join(home, "rozet.db"));
      return { db: opened, close: async () => (await opened.close(), rmSync(home, { recursive: true, force: true })) };
    },
  ],
  [
    "postgres",
    async () => {
      const server = await startTestPostgres({ fsync: false });
      const opened = await openDatabase(server.url);
      return { db: opened, close: async () => (await opened.close(), await server.stop()) };
    },
  ],
];

function event(i: number): NewEvent {
  return {
    eventId: `p-${i}`,
    session: { ref: i % 3 === 0 ? "other" : "main" },
    agent: { ref: i % 2 ? "odd" : "even" },
    source: "test",
    type: ["tool.started", "tool.finished", "note.added"][i % 5 === 0 ? 2 : i % 2]!,
    schemaVersion: 2,
    summary: i % 7 === 0 ? `needle ${i}` : `row ${i}`,
    payloadJson: "{}",
  };
}

/** Every event of the session in seq order, read with the cursor pages (the reference the positions must agree with). */
async function reference(filter: { types?: string[]; text?: string; agentId?: string } = {}): Promise<EventSummary[]> {
  const rows: EventSummary[] = [];
  let after = 0;
  for (;;) {
    const page = await db.events.page({ sessionId: mainId(), after, limit: 500, ...filter });
    rows.push(...page.events);
    if (!page.hasMoreAfter) return rows;
    after = page.events.at(-1)!.seq;
  }
}
let mainSession = "";
let otherSession = "";
const mainId = () => mainSession;

describe.each(stores)("event positions (event.window's store side) on %s", (_name, open) => {
  beforeAll(async () => {
    ({ db, close: closeDatabase } = await open());
    mainSession = "";
    otherSession = "";
    for (let from = 1; from <= EVENTS; from += 1_000) {
      const outcome = await db.events.appendBatch(Array.from({ length: Math.min(1_000, EVENTS - from + 1) }, (_, k) => event(from + k)));
      mainSession ||= outcome.results[1]!.sessionId;
      otherSession ||= outcome.results[2]!.sessionId;
    }
    all = await reference();
  }, 120_000);
  afterAll(async () => {
    await closeDatabase();
  });

  it("counts the whole filtered session and reads rows at any position, across chunks", async () => {
    expect(all.length).toBeGreaterThan(POSITION_CHUNK);
    for (const position of [0, 1, 199, POSITION_CHUNK - 3, Math.floor(all.length / 2), all.length - 1]) {
      const w = await db.events.window({ sessionId: mainId(), position, limit: 5 });
      expect(w.total).toBe(all.length);
      expect(w.start).toBe(position);
      expect(w.anchorSeq).toBe(all[position]!.seq);
      expect(w.events.map((e) => e.seq)).toEqual(all.slice(position, position + 5).map((e) => e.seq));
    }
  });

  it("finds the position of a seq (or of the next match) with rows before it, and the newest rows without an anchor", async () => {
    const target = all[20_000]!;
    const w = await db.events.window({ sessionId: mainId(), seq: target.seq, before: 100, limit: 200 });
    expect(w.anchor).toBe(20_000);
    expect(w.start).toBe(19_900);
    expect(w.events[100]!.seq).toBe(target.seq);
    // A seq of the other session: the next event of this one.
    const gap = await db.events.window({ sessionId: mainId(), seq: target.seq + 1, limit: 1 });
    expect(gap.anchorSeq).toBe(all[20_001]!.seq);
    const newest = await db.events.window({ sessionId: mainId(), limit: 50 });
    expect(newest.anchor).toBe(all.length);
    expect(newest.start).toBe(all.length - 50);
    expect(newest.events.map((e) => e.seq)).toEqual(all.slice(-50).map((e) => e.seq));
    expect(newest.lastSeq).toBe(await db.events.lastSeq());
  });

  it("agrees with the cursor pages for every filter: type, agent, text", async () => {
    const agentId = all.find((e) => e.type === "tool.finished")!.agentId!;
    for (const filter of [{ types: ["note.added"] }, { agentId }, { text: "needle" }, { text: "needle", types: ["tool.finished"] }]) {
      const expected = await reference(filter);
      const mid = Math.floor(expected.length / 2);
      const w = await db.events.window({ sessionId: mainId(), position: mid, limit: 3, ...filter });
      expect(w.total, JSON.stringify(filter)).toBe(expected.length);
      expect(w.events.map((e) => e.seq)).toEqual(expected.slice(mid, mid + 3).map((e) => e.seq));
    }
  });

  it("counts events appended after the counts were cached, and forgets a deleted session", async () => {
    const before = await db.events.window({ sessionId: mainId(), limit: 1 });
    await db.events.appendBatch([event(EVENTS + 1), event(EVENTS + 2), event(EVENTS + 3)].filter((e) => e.session.ref === "main"));
    const after = await db.events.window({ sessionId: mainId(), limit: 1 });
    expect(after.total).toBe(before.total + 2);
    expect(after.events[0]!.eventId).toBe(`p-${[1, 2, 3].map((k) => EVENTS + k).filter((i) => i % 3 !== 0).at(-1)}`);
    expect((await db.events.window({ sessionId: otherSession, limit: 1 })).total).toBeGreaterThan(10_000);
    await db.events.deleteSession(otherSession);
    expect((await db.events.window({ sessionId: otherSession, limit: 1 })).total).toBe(0);
  });

  it("goes to a time: the first event received at or after it", async () => {
    const session = "timed";
    const stamps = [1_000, 2_000, 2_000, 5_000];
    const realNow = Date.now;
    try {
      for (const [i, at] of stamps.entries()) {
        Date.now = () => at;
        await db.events.appendBatch([{ ...event(100_000 + i), session: { ref: session } }]);
      }
    } finally {
      Date.now = realNow;
    }
    const sessionId = (await db.prisma.session.findFirstOrThrow({ where: { externalKey: session } })).id;
    const at = async (time: number) => (await db.events.window({ sessionId, time, limit: 1 })).anchor;
    expect(await at(0)).toBe(0);
    expect(await at(1_500)).toBe(1);
    expect(await at(2_000)).toBe(1);
    expect(await at(2_001)).toBe(3);
    expect(await at(9_999)).toBe(4);
  });

  it("yields to the event loop while counting a large session for the first time", async () => {
    let otherWorkRan = false;
    const counting = db.events.window({ sessionId: mainId(), text: "row", limit: 1 });
    setImmediate(() => (otherWorkRan = true));
    await counting;
    expect(otherWorkRan).toBe(true);
  });
});
