/**
 * Replicas on one Postgres (issue 12): ingest throughput and fan-out latency with 1 and with 2 `rozet` server
 * processes on one Postgres (Debian's server, started by startTestPostgres, fsync on; a fresh database per run).
 * Hook-style single-event POSTs, `--in-flight` at a time, spread round-robin over the replicas (a load balancer);
 * a WebSocket subscriber on the last replica measures fan-out: the time from an event's receipt on the replica
 * that stored it (its `receivedAt`) to its arrival at the subscriber. With 2 replicas the subscriber sits on the
 * replica that did not store half the events. All processes share this machine's cores.
 * `node --import tsx bench/replicas.ts [--events=N] [--in-flight=N]`
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { createRozetClient } from "@rozet/api/client";
import { createTestDatabase, startTestPostgres } from "@rozet/db/testing";
import { spawnRozet, type RozetChild } from "./lib/children.ts";
import { closedLoop, keepAliveAgent } from "./lib/load.ts";
import { distribution, ms, num } from "./lib/stats.ts";

const { values } = parseArgs({ options: { events: { type: "string", default: "20000" }, "in-flight": { type: "string", default: "32" } } });
const EVENTS = Number(values.events);
const IN_FLIGHT = Number(values["in-flight"]);

function hookBodies(count: number, run: string): Buffer[] {
  return Array.from({ length: count }, (_, i) =>
    Buffer.from(
      JSON.stringify({
        source_app: "bench-replicas",
        session_id: `replicas-${run}`,
        hook_event_type: "PreToolUse",
        payload: { tool_name: "Bash", tool_input: { command: `echo ${i}` }, hook_event_name: "PreToolUse" },
      }),
    ),
  );
}

async function measure(postgresUrl: string, replicas: number, run: string): Promise<void> {
  process.env.ROZET_DATABASE_URL = postgresUrl;
  const servers: RozetChild[] = [];
  for (let i = 0; i < replicas; i++) servers.push(await spawnRozet({ label: `replica-${i}` }));
  const agent = keepAliveAgent(IN_FLIGHT);
  try {
    const watcher = servers.at(-1)!;
    const client = createRozetClient({ url: watcher.url });
    // The session exists before the subscription: one event first, through the first replica.
    const [warm] = hookBodies(1, run);
    const first = await fetch(`${servers[0]!.url}/api/events`, { method: "POST", body: warm as Uint8Array<ArrayBuffer>, headers: { "content-type": "application/json" } });
    const { results } = (await first.json()) as { results: { seq: number; sessionId: string }[] };
    const lags: number[] = [];
    let received = 0;
    let allIn: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allIn = resolve));
    const sub = client.api.event.subscribe.subscribe(
      { sessionId: results[0]!.sessionId, lastEventId: String(results[0]!.seq) },
      {
        onData: ({ data }) => {
          lags.push(Date.now() - data.receivedAt);
          if (++received >= EVENTS) allIn();
        },
      },
    );
    const bodies = hookBodies(EVENTS, run);
    const perReplica = Math.ceil(EVENTS / replicas);
    const started = performance.now();
    const loops = await Promise.all(
      servers.map((server, i) =>
        closedLoop({
          agent,
          base: server.base,
          path: "/api/events",
          bodies: bodies.slice(i * perReplica, (i + 1) * perReplica),
          eventsPerBody: 1,
          inFlight: Math.max(1, Math.round(IN_FLIGHT / replicas)),
          requests: Math.min(perReplica, EVENTS - i * perReplica),
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    await done;
    sub.unsubscribe();
    await client.close();
    const lag = distribution(lags);
    const errors = loops.reduce((n, l) => n + l.errors, 0);
    console.log(
      `${replicas} replica${replicas > 1 ? "s" : " "}  ingest ${num(EVENTS / seconds).padStart(6)} events/s  ack p50 ${loops.map((l) => ms(l.latency.p50)).join(" / ")}  p99 ${loops.map((l) => ms(l.latency.p99)).join(" / ")}` +
        `  fan-out to the subscriber p50 ${ms(lag.p50)} p95 ${ms(lag.p95)} p99 ${ms(lag.p99)} max ${ms(lag.max)}  (${num(received)} received, ${errors} errors)`,
    );
  } finally {
    agent.destroy();
    for (const server of servers) {
      await server.stop();
      server.cleanup();
    }
  }
}

console.log(`${num(EVENTS)} single-event POSTs per run, ${IN_FLIGHT} in flight; ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
const postgres = await startTestPostgres();
try {
  await measure(await createTestDatabase(postgres, "one_replica"), 1, "one");
  await measure(await createTestDatabase(postgres, "two_replicas"), 2, "two");
} finally {
  await postgres.stop();
}
