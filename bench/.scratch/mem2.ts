import { spawnRozet, processMemory } from "../lib/children.ts";
import { benchEventStream, serializeBatches, serializeMany } from "../lib/events.ts";
import { closedLoop, keepAliveAgent } from "../lib/load.ts";
const mode = process.argv[2] ?? "batch";
const r = await spawnRozet();
const mb = (o: any) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ((v as number) / 1048576).toFixed(1)]));
const agent = keepAliveAgent(32);
const next = benchEventStream({ seed: 5 });
if (mode === "batch") {
  const bodies = serializeBatches(next, 20, 1000);
  await closedLoop({ agent, base: r.base, path: "/api/events", bodies, eventsPerBody: 1000, inFlight: 4, requests: 100 });
} else {
  const bodies = serializeMany(next, 2000);
  await closedLoop({ agent, base: r.base, path: "/events", bodies, eventsPerBody: 1, inFlight: 32, requests: 100000 });
}
console.log(mode, "after", mb(await r.call("mem")), mb(processMemory(r.pid)));
await new Promise((res) => setTimeout(res, 3000));
console.log("after 3s", mb(await r.call("mem")), mb(processMemory(r.pid)));
console.log("after gc", mb(await r.call("mem", { gc: true })), mb(processMemory(r.pid)));
agent.destroy(); await r.stop(); r.cleanup();
