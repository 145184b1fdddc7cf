import { spawnRozet, processMemory } from "../lib/children.ts";
const r = await spawnRozet();
const mb = (o: any) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ((v as number) / 1048576).toFixed(1)]));
console.log("idle", mb(await r.call("mem")), mb(processMemory(r.pid)));
console.log("idle gc", mb(await r.call("mem", { gc: true })), mb(processMemory(r.pid)));
await r.stop(); r.cleanup();
