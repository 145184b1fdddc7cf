import Database from "better-sqlite3";
const db = new Database(process.argv[2], { readonly: true });
try {
  const rows = db.prepare(`SELECT name, SUM(pgsize) AS bytes, SUM(payload) AS payload, SUM(unused) AS unused, COUNT(*) AS pages FROM dbstat GROUP BY name ORDER BY bytes DESC`).all() as any[];
  for (const r of rows) console.log(r.name.padEnd(40), (r.bytes / 1048576).toFixed(1).padStart(7), "MiB", "payload", (r.payload / 1048576).toFixed(1), "unused", (r.unused / 1048576).toFixed(1));
} catch (e) { console.log(String(e)); }
const n = (db.prepare("SELECT COUNT(*) c, SUM(length(payload)) p, AVG(length(summary)) s, AVG(length(filePath)) f, SUM(payloadSize) raw FROM Event").get() as any);
console.log(n);
console.log(db.pragma("page_size"), db.pragma("page_count"), db.pragma("freelist_count"));
