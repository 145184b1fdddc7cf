import { spawnRozet, processMemory } from "../lib/children.ts";
import { benchEventStream, serializeBatches } from "../lib/events.ts";
import { closedLoop, keepAliveAgent } from "../lib/load.ts";
const r = await spawnRozet();
const mb = (v: number) => (v / 1048576).toFixed(0);
const agent = keepAliveAgent(4);
const bodies = serializeBatches(benchEventStream({ seed: 5 }), 20, 1000);
for (let i = 1; i <= 8; i++) {
  await closedLoop({ agent, base: r.base, path: "/api/events", bodies, eventsPerBody: 1000, inFlight: 4, requests: 50 });
  const m: any = await r.call("mem"); const p = processMemory(r.pid);
  console.log(`${i * 50}k rss ${mb(p.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} ab ${mb(m.arrayBuffers)}`);
}
const m: any = await r.call("mem", { gc: true }); const p = processMemory(r.pid);
console.log(`gc rss ${mb(p.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} ab ${mb(m.arrayBuffers)}`);
agent.destroy(); await r.stop(); r.cleanup();
