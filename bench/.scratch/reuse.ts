import zlib from "node:zlib";
import { benchEventStream } from "../lib/events.ts";
const next = benchEventStream({ seed: 9 });
const js = Array.from({ length: 5000 }, () => Buffer.from(JSON.stringify(next().payload)));
const bigs = js.filter((b) => b.length > 1024);
const tiny = Buffer.from("{}");
const bits = (n: number) => Math.min(15, Math.max(9, Math.ceil(Math.log2(n + 262))));
for (let r = 0; r < 2; r++) {
  for (const opts of [{ level: 1 }, { level: 1, memLevel: 9 }, { level: 1, memLevel: 6 }, { level: 1, windowBits: 12, memLevel: 6 }, { level: 1, windowBits: 12, memLevel: 8 }, { level: 6, windowBits: 12, memLevel: 8 }, { level: 1, adaptive: true }]) {
    let t = performance.now(); for (let i = 0; i < 3000; i++) zlib.deflateRawSync(tiny, opts as any); const init = (performance.now() - t) / 3000 * 1000;
    t = performance.now(); let o = 0, inb = 0;
    for (const b of bigs) { const oo: any = (opts as any).adaptive ? { level: 1, windowBits: bits(b.length), memLevel: 8 } : opts; const out = zlib.deflateRawSync(b, oo); o += out.length; inb += b.length; if (r === 0 && !zlib.inflateRawSync(out).equals(b)) throw new Error("rt"); }
    console.log(JSON.stringify(opts).padEnd(45), "tiny", init.toFixed(1), "µs  bigs", ((performance.now() - t) / bigs.length * 1000).toFixed(1), "µs ratio", (inb / o).toFixed(3));
  }
}
