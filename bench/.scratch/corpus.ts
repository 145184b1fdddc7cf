import { readFileSync, readdirSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { codeText, prng } from "../lib/events.ts";
const ratio = (texts: string[]) => { let i = 0, o = 0; for (const t of texts) { const j = JSON.stringify({ content: t }); i += j.length; o += deflateRawSync(j, { level: 1 }).length; } return (i / o).toFixed(2); };
const slices = (text: string, n: number, size: number) => { const r = prng(3); return Array.from({ length: n }, () => { const s = Math.floor(r() * (text.length - size)); return text.slice(s, s + size); }); };
const typesNode = readdirSync("node_modules/@types/node").filter((f) => f.endsWith(".d.ts")).map((f) => readFileSync(`node_modules/@types/node/${f}`, "utf8")).join("\n");
const zodSrc = readdirSync("node_modules/zod/v4/core").filter((f) => f.endsWith(".js")).map((f) => readFileSync(`node_modules/zod/v4/core/${f}`, "utf8")).join("\n");
const trpc = readdirSync("node_modules/@trpc/server/dist").filter((f) => f.endsWith(".mjs")).map((f) => readFileSync(`node_modules/@trpc/server/dist/${f}`, "utf8")).join("\n");
console.log("corpus sizes", typesNode.length, zodSrc.length, trpc.length);
const r = prng(1);
for (const size of [500, 2000, 4000]) {
  console.log(size, "types/node", ratio(slices(typesNode, 300, size)), "zod js", ratio(slices(zodSrc, 300, size)), "trpc", ratio(slices(trpc, 300, size)), "synthetic", ratio(Array.from({ length: 300 }, () => codeText(r, size))));
}
