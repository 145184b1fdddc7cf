/**
 * Per-event cost of each ingest stage, in-process (no HTTP): JSON.parse, validation + normalization, payload
 * encoding, and the SQLite append at two batch sizes. Prints µs per event. `npx tsx bench/stages.ts`
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseIngestBody } from "@rozet/api";
import { encodePayload, openDatabase } from "@rozet/db";
import { benchEventStream } from "./lib/events.ts";

const N = 20_000;
const next = benchEventStream({ seed: 3 });
const bodies = Array.from({ length: N }, () => JSON.stringify(next()));

async function time(label: string, count: number, fn: () => unknown): Promise<void> {
  await fn(); // warm
  const t0 = process.hrtime.bigint();
  await fn();
  const us = Number(process.hrtime.bigint() - t0) / 1_000 / count;
  console.log(`${label.padEnd(44)} ${us.toFixed(2)} µs/event`);
}

let parsed: unknown[] = [];
await time("JSON.parse (one body per event)", N, () => (parsed = bodies.map((b) => JSON.parse(b))));
let events = parsed.flatMap((p) => parseIngestBody(p));
await time("parseIngestBody (zod + normalize)", N, () => (events = parsed.flatMap((p) => parseIngestBody(p))));
await time("encodePayload (brotli; large payloads only)", N, () => events.forEach((e) => encodePayload(e.payloadJson)));

const home = mkdtempSync(path.join(tmpdir(), "rozet-stages-"));
const db = await openDatabase(path.join(home, "rozet.db"), { synchronous: (process.env.SYNC as "FULL" | "NORMAL") ?? "FULL" });
for (const batch of [20, 30, 1_000]) {
  let round = 0;
  const run = async () => {
    round += 1;
    const fresh = events.map((e) => ({ ...e, eventId: `${batch}-${round}-${e.eventId}` }));
    for (let i = 0; i < fresh.length; i += batch) await db.events.appendBatch(fresh.slice(i, i + batch));
  };
  await time(`appendBatch, batches of ${batch}`, N, run);
}
await db.close();
