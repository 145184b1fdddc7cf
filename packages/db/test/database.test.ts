import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EventWriter, MIGRATIONS_DIR, newId, openDatabase, type Database, type NewEvent } from "../src/index.ts";

const homes: string[] = [];
const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

async function freshDatabase(file?: string) {
  const home = mkdtempSync(path.join(os.tmpdir(), "rozet-db-"));
  homes.push(home);
  const db = await openDatabase(file ?? path.join(home, "rozet.db"));
  open.push(db);
  return db;
}

function event(i: number, payloadJson = JSON.stringify({ i })): NewEvent {
  return { eventId: `e-${i}-${newId()}`, session: { ref: "app" }, agent: { ref: "agent-1" }, source: "test", type: "note.added", schemaVersion: 2, payloadJson };
}

describe("database", () => {
  it("migrates once and is in WAL mode on both connections", async () => {
    const db = await freshDatabase();
    const committed = readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(db.appliedMigrations).toEqual(committed);
    const [mode] = await db.prisma.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    expect(mode!.journal_mode).toBe("wal");
    const file = db.file;
    await db.close();
    open.pop();
    const again = await openDatabase(file);
    open.push(again);
    expect(again.appliedMigrations).toEqual([]);
  });

  it("lets Prisma and the event writer write at the same time without SQLITE_BUSY", async () => {
    const db = await freshDatabase();
    const writer = new EventWriter({ store: db.events, onCommit: () => undefined });
    const sessions = Array.from({ length: 200 }, (_, i) => db.prisma.session.create({ data: { id: newId(), name: `s${i}` } }));
    const batches = Array.from({ length: 200 }, (_, b) => writer.append(Array.from({ length: 50 }, (_, i) => event(b * 50 + i))));
    const [created, appended] = await Promise.all([Promise.all(sessions), Promise.all(batches)]);
    expect(created).toHaveLength(200);
    expect(appended.flat().filter((r) => !r.duplicate)).toHaveLength(10_000);
    // "app" session created on first sight + 200 Prisma sessions.
    expect(await db.prisma.session.count()).toBe(201);
    expect(db.events.lastSeq()).toBe(10_000);
  });

  it("deflates large payloads and reads them back intact", async () => {
    const db = await freshDatabase();
    const writer = new EventWriter({ store: db.events, onCommit: () => undefined });
    const big = { transcript: Array.from({ length: 5_000 }, (_, i) => `line ${i} of a long chat transcript`) };
    const [result] = await writer.append([event(1, JSON.stringify(big))]);
    const row = db.events.get(result!.seq)!;
    expect(row.payload).toEqual(big);
    expect(row.payloadSize).toBe(JSON.stringify(big).length);
    const [stored] = await db.prisma.$queryRawUnsafe<{ bytes: number; encoding: number }[]>(
      "SELECT length(payload) AS bytes, payloadEncoding AS encoding FROM Event WHERE seq = ?",
      result!.seq,
    );
    expect(Number(stored!.encoding)).toBe(2);
    expect(Number(stored!.bytes)).toBeLessThan(JSON.stringify(big).length / 5);
  });

  it("charts a long session in at most maxBuckets buckets, doubling their width", async () => {
    const db = await freshDatabase();
    const writer = new EventWriter({ store: db.events, onCommit: () => undefined });
    const results = await writer.append(Array.from({ length: 100 }, (_, i) => ({ ...event(i), costUsd: 0.01 })));
    // Spread the events over two hours, as a long session would be.
    const t0 = 1_800_000_000_000;
    for (const [i, r] of results.entries()) {
      await db.prisma.$executeRawUnsafe("UPDATE Event SET receivedAt = ? WHERE seq = ?", t0 + i * 72_000, r.seq);
    }
    const histogram = db.events.histogram(results[0]!.sessionId, 60);
    expect(histogram.counts.length).toBeLessThanOrEqual(60);
    expect(histogram.bucketMs).toBe(128_000);
    expect(histogram.start! % histogram.bucketMs).toBe(0);
    expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(histogram.cost.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(histogram.lastSeq).toBe(results.at(-1)!.seq);
  });

  it("refuses new events beyond the queue bound instead of growing memory", async () => {
    const db = await freshDatabase();
    const writer = new EventWriter({ store: db.events, onCommit: () => undefined, maxQueued: 100 });
    const first = writer.append(Array.from({ length: 100 }, (_, i) => event(i)));
    await expect(writer.append([event(101)])).rejects.toMatchObject({ code: "OVERLOADED" });
    await expect(first).resolves.toHaveLength(100);
  });
});
