import { encodePayload } from "@rozet/db";
import { deflateRawSync, constants } from "node:zlib";
import { benchEventStream } from "../lib/events.ts";
const next = benchEventStream({ seed: 9 });
const js = Array.from({ length: 5000 }, () => JSON.stringify(next().payload));
for (let r = 0; r < 3; r++) {
  let t = performance.now(); let out = 0; let big = 0;
  for (const s of js) { const e = encodePayload(s); out += e.bytes.length; if (e.encoding) big++; }
  const dt = performance.now() - t;
  console.log("encodePayload µs/event", (dt / js.length * 1000).toFixed(1), "deflated", big, "avg out", (out / js.length).toFixed(0), "avg in", (js.reduce((a, s) => a + s.length, 0) / js.length).toFixed(0));
}
const bigs = js.filter((s) => s.length > 1024);
for (const lvl of [1, 6]) { const t = performance.now(); let o = 0; for (const s of bigs) o += deflateRawSync(Buffer.from(s), { level: lvl }).length; console.log("level", lvl, "µs/deflate", ((performance.now() - t) / bigs.length * 1000).toFixed(1), "ratio", (bigs.reduce((a, s) => a + s.length, 0) / o).toFixed(2)); }
// a tiny, small payload cost of deflate
const small = js.filter((s) => s.length < 1024 && s.length > 300);
let t = performance.now(); let o = 0, i2 = 0; for (const s of small) { o += deflateRawSync(Buffer.from(s), { level: 1 }).length; i2 += s.length; } console.log("small deflate µs", ((performance.now() - t) / small.length * 1000).toFixed(1), "ratio", (i2 / o).toFixed(2));
