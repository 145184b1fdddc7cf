import { readFileSync } from "node:fs";
import { spawnRozet } from "../lib/children.ts";
const r = await spawnRozet();
const smaps = readFileSync(`/proc/${r.pid}/smaps`, "utf8").split("\n");
let cur = ""; const by = new Map<string, number>();
for (const l of smaps) {
  const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(l);
  if (m) { cur = m[1] || "[anon]"; continue; }
  const rss = /^Rss:\s+(\d+) kB/.exec(l); if (rss) by.set(cur, (by.get(cur) ?? 0) + Number(rss[1]));
}
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log((v / 1024).toFixed(1).padStart(7), "MiB", k);
await r.stop(); r.cleanup();
