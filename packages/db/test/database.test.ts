import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deflateRawSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { EventWriter, MIGRATIONS_DIR, openDatabase, SqliteEventStore, type Database, type NewEvent } from "../src/index.ts";
import { newId } from "@rozet/vocabulary";
import { WalSyncer } from "../src/events/wal-syncer.ts";
import { openSqlite } from "../src/sqlite.ts";
import { PAYLOAD_DICTIONARY_V1 } from "../src/events/payload-dictionary.mjs";

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
    expect(await db.events.lastSeq()).toBe(10_000);
  });

  it("an event commit waits for a Prisma transaction that is open across an await, instead of blocking the thread it needs (deadlock, then 'database is locked')", async () => {
    const db = await freshDatabase();
    let appended: Promise<unknown> | undefined;
    const started = Date.now();
    await db.prisma.$transaction(async (tx) => {
      await tx.session.create({ data: { id: newId(), name: "held" } }); // Prisma now holds SQLite's write lock
      appended = db.events.appendBatch([event(1)]); // the same thread: it must not wait synchronously for that lock
      await new Promise((resolve) => setTimeout(resolve, 50)); // the transaction needs the event loop to commit
    });
    await expect(appended).resolves.toMatchObject({ results: [{ duplicate: false }] });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await db.events.lastSeq()).toBe(1);
    await db.events.deleteSession((await db.prisma.session.findFirstOrThrow({ where: { name: "app" } })).id);
  });

  it("compresses large payloads (brotli) and reads them back intact", async () => {
    const db = await freshDatabase();
    const writer = new EventWriter({ store: db.events, onCommit: () => undefined });
    const big = { transcript: Array.from({ length: 5_000 }, (_, i) => `line ${i} of a long chat transcript`) };
    const [result] = await writer.append([event(1, JSON.stringify(big))]);
    const row = (await db.events.get(result!.seq))!;
    expect(row.payload).toEqual(big);
    expect(row.payloadSize).toBe(JSON.stringify(big).length);
    const [stored] = await db.prisma.$queryRawUnsafe<{ bytes: number; encoding: number }[]>(
      "SELECT length(payload) AS bytes, payloadEncoding AS encoding FROM Event WHERE seq = ?",
      result!.seq,
    );
    expect(Number(stored!.encoding)).toBe(4);
    expect(Number(stored!.bytes)).toBeLessThan(JSON.stringify(big).length / 5);
  });

  it("stores small payloads in per-session blocks and reads each back exactly, across duplicates and deletes", async () => {
    const db = await freshDatabase();
    const writer = new EventWriter({ store: db.events, onCommit: () => undefined });
    // Two sessions interleaved, payloads of varied size (several 64 KiB blocks), one duplicate in the same batch.
    const payload = (i: number) => ({ i, text: "x".repeat((i * 37) % 3_000), nested: { list: [i, `é${i}`] } });
    const events = Array.from({ length: 300 }, (_, i) => ({ ...event(i, JSON.stringify(payload(i))), session: { ref: i % 2 ? "odd" : "even" } }));
    const duplicate = { ...events[10]!, payloadJson: JSON.stringify({ other: true }) };
    const results = await writer.append([...events.slice(0, 150), duplicate, ...events.slice(150)]);
    expect(results.filter((r) => r.duplicate)).toHaveLength(1);
    const stored = results.filter((r) => !r.duplicate);
    for (const [i, r] of stored.entries()) expect((await db.events.get(r.seq))!.payload).toEqual(payload(i));
    const [counts] = await db.prisma.$queryRawUnsafe<{ blocks: number; inBlock: number }[]>(
      "SELECT (SELECT COUNT(*) FROM PayloadBlock) AS blocks, (SELECT COUNT(*) FROM Event WHERE payloadEncoding = 3) AS inBlock",
    );
    expect(Number(counts!.inBlock)).toBe(300);
    // ~150 KiB per session: a few blocks each, not one per event.
    expect(Number(counts!.blocks)).toBeGreaterThanOrEqual(4);
    expect(Number(counts!.blocks)).toBeLessThanOrEqual(8);
    // Small blocks deflate with the preset dictionary, full ones use brotli.
    const kinds = await db.prisma.$queryRawUnsafe<{ encoding: number; size: number }[]>("SELECT encoding, size FROM PayloadBlock");
    for (const block of kinds) expect(Number(block.encoding)).toBe(Number(block.size) < 16 * 1024 ? 2 : 4);
    expect(kinds.some((b) => Number(b.encoding) === 4)).toBe(true);
    // Sent again, all duplicates: no new block is written for payloads nobody stores.
    const again = await writer.append(events.slice(0, 40));
    expect(again.every((r) => r.duplicate)).toBe(true);
    const [after] = await db.prisma.$queryRawUnsafe<{ blocks: number }[]>("SELECT COUNT(*) AS blocks FROM PayloadBlock");
    expect(Number(after!.blocks)).toBe(Number(counts!.blocks));
    const odd = stored[1]!.sessionId;
    const even = stored[0]!.sessionId;
    const exported = await db.events.exportPage({ sessionId: odd, after: 0, limit: 1_000 });
    expect(exported.map((e) => e.payload)).toEqual(events.map((_, i) => i).filter((i) => i % 2).map(payload));
    await db.events.deleteSession(odd);
    const [left] = await db.prisma.$queryRawUnsafe<{ orphans: number }[]>(
      "SELECT COUNT(*) AS orphans FROM PayloadBlock WHERE id NOT IN (SELECT payloadBlock FROM Event WHERE payloadBlock IS NOT NULL)",
    );
    expect(Number(left!.orphans)).toBe(0);
    expect((await db.events.exportPage({ sessionId: even, after: 0, limit: 1_000 })).map((e) => e.payload)).toEqual(
      events.map((_, i) => i).filter((i) => i % 2 === 0).map(payload),
    );
    // New blocks after the delete never reuse a deleted block's id.
    const [later] = await writer.append([{ ...event(1_000), session: { ref: "even" } }]);
    expect((await db.events.get(later!.seq))!.payload).toEqual({ i: 1_000 });
  });

  it("acknowledges a commit only once the WAL is synced, in commit order even when a later sync finishes first", async () => {
    const db = await freshDatabase();
    const log: string[] = [];
    let calls = 0;
    // Synchronised on the syncs themselves, not on timers (a loaded machine made a 150 ms head start too short).
    let firstSyncStarted!: () => void;
    const firstSyncing = new Promise<void>((resolve) => (firstSyncStarted = resolve));
    let secondSyncDone!: () => void;
    const secondSynced = new Promise<void>((resolve) => (secondSyncDone = resolve));
    // The real fdatasync; the first commit's sync finishes only after the second commit's.
    class SecondSyncFirst extends WalSyncer {
      override async sync(): Promise<void> {
        const call = ++calls;
        if (call === 1) firstSyncStarted();
        await super.sync();
        if (call === 1) await secondSynced;
        log.push(`synced ${call}`);
        if (call === 2) secondSyncDone();
      }
    }
    const store = new SqliteEventStore(openSqlite(db.file, { synchronous: "NORMAL" }), new SecondSyncFirst(`${db.file}-wal`));
    const writer = new EventWriter({ store, onCommit: () => undefined });
    const first = writer.append([event(1)]).then(() => log.push("acked first"));
    await firstSyncing;
    // Committed (visible) already, not yet acknowledged.
    expect(await db.events.lastSeq()).toBe(1);
    expect(log).toEqual([]);
    const second = writer.append([event(2)]).then(() => log.push("acked second"));
    await Promise.all([first, second]);
    expect(log).toEqual(["synced 2", "synced 1", "acked first", "acked second"]);
    await writer.close();
    await store.close();
  });

  it("still reads payloads stored by earlier versions (encodings 0, 1 and 2)", async () => {
    const db = await freshDatabase();
    const writer = new EventWriter({ store: db.events, onCommit: () => undefined });
    const results = await writer.append([event(1), event(2), event(3)]);
    const old = [
      { encoding: 0, value: { stored: "raw" }, bytes: (json: Buffer) => json },
      { encoding: 1, value: { stored: "deflate" }, bytes: (json: Buffer) => deflateRawSync(json) },
      { encoding: 2, value: { stored: "deflate with the dictionary" }, bytes: (json: Buffer) => deflateRawSync(json, { dictionary: PAYLOAD_DICTIONARY_V1 }) },
    ];
    for (const [i, { encoding, value, bytes }] of old.entries()) {
      const json = Buffer.from(JSON.stringify(value));
      await db.prisma.$executeRawUnsafe(
        "UPDATE Event SET payloadEncoding = ?, payload = ?, payloadBlock = NULL, payloadOffset = NULL, payloadSize = ? WHERE seq = ?",
        encoding,
        bytes(json),
        json.length,
        results[i]!.seq,
      );
    }
    for (const [i, { value }] of old.entries()) expect((await db.events.get(results[i]!.seq))!.payload).toEqual(value);
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
    const histogram = await db.events.histogram(results[0]!.sessionId, 60);
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
