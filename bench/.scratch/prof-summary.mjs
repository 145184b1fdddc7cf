// Summarize a .cpuprofile: self time by function (top N) and by file.
import fs from "node:fs";
const file = process.argv[2]; const top = Number(process.argv[3] ?? 40);
const p = JSON.parse(fs.readFileSync(file, "utf8"));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = p.timeDeltas; let total = 0;
for (let i = 0; i < p.samples.length; i++) { const n = byId.get(p.samples[i]); const d = dt[i] ?? 0; total += d;
  const cf = n.callFrame; const key = `${cf.functionName || "(anon)"}  ${cf.url.replace(/^.*node_modules\//, "nm:").replace(/^file:\/\/\/work\/main\//, "")}:${cf.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + d); }
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log("total ms", (total / 1000).toFixed(0));
for (const [k, v] of rows) console.log((v / total * 100).toFixed(1).padStart(5) + "%", (v / 1000).toFixed(0).padStart(6), k);
// inclusive time for selected function names
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map();
for (let i = 0; i < p.samples.length; i++) { const d = dt[i] ?? 0; const seen = new Set(); let id = p.samples[i];
  while (id !== undefined) { const n = byId.get(id); const name = n.callFrame.functionName || "(anon)"; const key = name + " " + n.callFrame.url.split("/").pop() + ":" + (n.callFrame.lineNumber+1); if (!seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + d); } id = parent.get(id); } }
console.log("\n-- inclusive top");
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log((v / total * 100).toFixed(1).padStart(5) + "%", k);
