import { spawnSink, processCpuSeconds } from "../lib/children.ts";
import { benchEventStream, serializeMany } from "../lib/events.ts";
import { closedLoop, keepAliveAgent } from "../lib/load.ts";
const r = await spawnSink();
const agent = keepAliveAgent(32);
const bodies = serializeMany(benchEventStream({ seed: 5 }), 2000);
await closedLoop({ agent, base: r.base, path: "/events", bodies, eventsPerBody: 1, inFlight: 32, requests: 2000 });
for (let i = 0; i < 3; i++) {
const c0 = processCpuSeconds(r.pid); const g0 = process.cpuUsage();
const res = await closedLoop({ agent, base: r.base, path: "/events", bodies, eventsPerBody: 1, inFlight: 32, requests: 30000 });
const cpu = processCpuSeconds(r.pid) - c0; const g = process.cpuUsage(g0);
console.log("sink", Math.round(res.eventsPerSec), "ev/s server cpu", (cpu / res.seconds * 100).toFixed(0) + "%", "gen cpu", ((g.user + g.system) / 1e6 / res.seconds * 100).toFixed(0) + "%");
}
agent.destroy(); await r.stop();
