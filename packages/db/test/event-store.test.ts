import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventWriter, openDatabase, type EventStore, type NewEvent } from "../src/index.ts";
import { startTestPostgres, type TestPostgres } from "../src/testing/postgres.ts";

/** One suite, two backends: every EventStore behaves the same through the writer. */
interface Backend {
  store: EventStore;
  close(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    "sqlite",
    async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), "rozet-store-"));
      const db = await openDatabase(path.join(home, "rozet.db"));
      return { store: db.events, close: async () => (await db.close(), rmSync(home, { recursive: true, force: true })) };
    },
  ],
  [
    "postgres",
    async () => {
      const server: TestPostgres = await startTestPostgres({ fsync: false });
      const db = await openDatabase(server.url);
      return { store: db.events, close: async () => (await db.close(), await server.stop()) };
    },
  ],
];

let n = 0;
function event(over: Partial<NewEvent> & { payload?: unknown } = {}): NewEvent {
  const { payload, ...rest } = over;
  n += 1;
  return { eventId: `e-${n}`, session: { ref: "app" }, agent: { ref: "agent-1" }, source: "test", type: "note.added", schemaVersion: 2, summary: `note ${n}`, payloadJson: JSON.stringify(payload ?? { n }), ...rest };
}

describe.each(backends)("event store on %s", (_name, open) => {
  let backend: Backend;
  let writer: EventWriter;
  let sessionId = "";
  beforeAll(async () => {
    backend = await open();
    writer = new EventWriter({ store: backend.store, onCommit: () => undefined });
  }, 60_000);
  afterAll(async () => {
    await writer.close();
    await backend.close();
  });

  it("appends in order, creates the session and agent on first sight, answers duplicates with the stored seq", async () => {
    const first = await writer.append([event({ eventId: "dup" }), event(), event({ eventId: "dup" })]);
    expect(first.map((r) => r.duplicate)).toEqual([false, false, true]);
    expect(first[2]!.seq).toBe(first[0]!.seq);
    expect(first[1]!.seq).toBeGreaterThan(first[0]!.seq);
    sessionId = first[0]!.sessionId;
    const again = await writer.append([event({ eventId: "dup" })]);
    expect(again[0]).toMatchObject({ duplicate: true, seq: first[0]!.seq, sessionId });
    expect(await backend.store.lastSeq()).toBe(first[1]!.seq);
  });

  it("keeps payloads intact: small ones in blocks, large ones compressed on their own", async () => {
    const big = { text: "x".repeat(200_000), list: Array.from({ length: 500 }, (_, i) => i) };
    const results = await Promise.all([writer.append([event({ payload: { small: 1 } }), event({ payload: big })]), writer.append([event({ payload: { small: 2 } })])]);
    const [a, b, c] = results.flat();
    expect((await backend.store.get(a!.seq))!.payload).toEqual({ small: 1 });
    expect((await backend.store.get(b!.seq))!.payload).toEqual(big);
    expect((await backend.store.get(c!.seq))!.payloadSize).toBe(JSON.stringify({ small: 2 }).length);
    expect(await backend.store.get(999_999)).toBeUndefined();
  });

  it("pages both ways with filters, replays after a seq, exports and pages a command's run log", async () => {
    await writer.append([
      event({ type: "tool.finished", toolName: "Bash", status: "ok", commandId: "cmd-1", costUsd: 0.5, inputTokens: 10, outputTokens: 5, summary: "ran needle_1" }),
      event({ type: "tool.finished", toolName: "Edit", status: "error", commandId: "cmd-1", costUsd: 0.25, taskId: "task-1" }),
      event({ session: { ref: "other" }, type: "note.added" }),
    ]);
    const newest = await backend.store.page({ sessionId, limit: 2 });
    expect(newest.events.map((e) => e.type)).toEqual(["tool.finished", "tool.finished"]);
    expect(newest.hasMoreBefore).toBe(true);
    const older = await backend.store.page({ sessionId, limit: 100, before: newest.events[0]!.seq });
    expect(older.events.every((e) => e.seq < newest.events[0]!.seq)).toBe(true);
    const forward = await backend.store.page({ sessionId, after: 0, limit: 100 });
    expect(forward.events.map((e) => e.seq)).toEqual([...older.events, ...newest.events].map((e) => e.seq));
    expect((await backend.store.page({ sessionId, limit: 10, types: ["tool.finished"], text: "needle_" })).events.map((e) => e.toolName)).toEqual(["Bash"]);
    expect((await backend.store.page({ sessionId, limit: 10, text: "%" })).events).toEqual([]);
    // Text search ignores case on both stores (SQLite's LIKE does for ASCII; Postgres needs ILIKE).
    expect((await backend.store.page({ sessionId, limit: 10, text: "NEEDLE_" })).events.map((e) => e.toolName)).toEqual(["Bash"]);
    expect((await backend.store.page({ sessionId, limit: 10, taskId: "task-1" })).events.map((e) => e.toolName)).toEqual(["Edit"]);
    expect((await backend.store.window({ sessionId, limit: 10, taskId: "task-1", text: "edit" })).total).toBe(1);
    const replay = await backend.store.readAfter({ afterSeq: forward.events[0]!.seq, limit: 1_000 });
    expect(replay.map((e) => e.seq)).toEqual([...replay.map((e) => e.seq)].sort((x, y) => x - y));
    expect(replay.some((e) => e.sessionId !== sessionId)).toBe(true);
    const exported = await backend.store.exportPage({ sessionId, after: 0, limit: 1_000, types: ["tool.finished"] });
    expect(exported.map((e) => e.payload)).toHaveLength(2);
    const run = await backend.store.commandPage({ commandId: "cmd-1", limit: 1, maxPayloadBytes: 1_000_000 });
    expect(run).toMatchObject({ hasMore: true, events: [{ toolName: "Bash" }] });
  });

  it("keeps session totals, a histogram, and positions over the filtered timeline", async () => {
    const stats = await backend.store.stats(sessionId);
    expect(stats).toMatchObject({ costUsd: 0.75, inputTokens: 10, outputTokens: 5, toolOk: 1, toolFailed: 1 });
    const all = (await backend.store.page({ sessionId, after: 0, limit: 1_000 })).events;
    expect(stats.events).toBe(all.length);
    expect(stats.lastEventAt).toBe(all.at(-1)!.receivedAt);
    const histogram = await backend.store.histogram(sessionId, 60);
    expect(histogram.counts.reduce((x, y) => x + y, 0)).toBe(all.length);
    expect(histogram.cost.reduce((x, y) => x + y, 0)).toBeCloseTo(0.75);
    const w = await backend.store.window({ sessionId, position: 1, limit: 2 });
    expect(w).toMatchObject({ total: all.length, start: 1, anchor: 1, anchorSeq: all[1]!.seq });
    expect(w.events.map((e) => e.seq)).toEqual(all.slice(1, 3).map((e) => e.seq));
    const atSeq = await backend.store.window({ sessionId, seq: all[3]!.seq, before: 1, limit: 3, types: ["tool.finished", "note.added"] });
    expect(atSeq.anchor).toBe(3);
    expect(atSeq.events[0]!.seq).toBe(all[2]!.seq);
    const newest = await backend.store.window({ sessionId, limit: 2 });
    expect(newest.events.map((e) => e.seq)).toEqual(all.slice(-2).map((e) => e.seq));
  });

  it("deletes a session's events and totals, leaving the others", async () => {
    const before = await backend.store.lastSeq();
    await backend.store.deleteSession(sessionId);
    expect((await backend.store.page({ sessionId, limit: 10 })).events).toEqual([]);
    expect((await backend.store.stats(sessionId)).events).toBe(0);
    expect(await backend.store.lastSeq()).toBe(before);
  });
});
