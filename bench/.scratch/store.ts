import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os"; import path from "node:path";
import { openDatabase } from "@rozet/db";
import { parseIngestBody } from "@rozet/api";
import { benchEventStream } from "../lib/events.ts";
const sync = (process.argv[2] ?? "FULL") as "FULL" | "NORMAL";
const home = mkdtempSync(path.join(os.tmpdir(), "rozet-store-"));
const db = await openDatabase(path.join(home, "rozet.db"), { synchronous: sync });
const next = benchEventStream({ seed: 9 });
const raw = Array.from({ length: 20000 }, next);
let t = performance.now();
const parsed = parseIngestBody(raw.slice(0, 1000)); // warm
t = performance.now();
const all = [] as ReturnType<typeof parseIngestBody>;
for (let i = 0; i < 20; i++) all.push(...parseIngestBody(raw.slice(i * 1000, i * 1000 + 1000)));
console.log("parseIngestBody µs/event", ((performance.now() - t) / 20000 * 1000).toFixed(1));
const js = raw.slice(0, 1000).map((e) => JSON.stringify(e));
t = performance.now(); for (let r = 0; r < 5; r++) for (const s of js) JSON.parse(s);
console.log("JSON.parse µs/event", ((performance.now() - t) / 5000 * 1000).toFixed(1));
db.events.appendBatch(parsed);
for (const k of [1, 8, 32, 200, 1000]) {
  const n = Math.min(all.length, k * Math.max(50, Math.floor(4000 / k)));
  let i = 0; const t0 = performance.now(); let batches = 0;
  while (i + k <= n) { db.events.appendBatch(all.slice(i, i + k).map((e) => ({ ...e, eventId: crypto.randomUUID() }))); i += k; batches++; }
  const dt = performance.now() - t0;
  console.log(sync, `batch ${k}: ${(dt / batches).toFixed(3)} ms/batch, ${(dt / i * 1000).toFixed(1)} µs/event`);
}
await db.close(); rmSync(home, { recursive: true });
