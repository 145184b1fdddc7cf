import { spawnRozet, processCpuSeconds } from "../lib/children.ts";
import { benchEventStream, bigEventStream, serializeBatches, serializeMany } from "../lib/events.ts";
import { closedLoop, keepAliveAgent } from "../lib/load.ts";
const mode = process.argv[2] ?? "single";
const dir = process.argv[3];
const n = Number(process.argv[4] ?? 30000);
const r = await spawnRozet({ cpuProfDir: dir });
const agent = keepAliveAgent(32);
let bodies: Buffer[]; let per = 1; let inflight = 32; let path = "/events";
if (mode === "batch") { bodies = serializeBatches(benchEventStream({ seed: 5 }), 20, 1000); per = 1000; inflight = 4; path = "/api/events"; }
else if (mode === "big") bodies = serializeMany(bigEventStream(65536), 200);
else bodies = serializeMany(benchEventStream({ seed: 5 }), 2000);
await closedLoop({ agent, base: r.base, path, bodies, eventsPerBody: per, inFlight: inflight, requests: Math.ceil(2000 / per) });
const c0 = processCpuSeconds(r.pid);
const res = await closedLoop({ agent, base: r.base, path, bodies, eventsPerBody: per, inFlight: inflight, requests: Math.ceil(n / per) });
const cpu = processCpuSeconds(r.pid) - c0;
console.log(mode, Math.round(res.eventsPerSec), "ev/s", "errors", res.errors, res.firstError ?? "", "server cpu", (cpu / res.seconds * 100).toFixed(0) + "%", "p50", res.latency.p50.toFixed(2));
agent.destroy(); await r.stop(); r.cleanup();
