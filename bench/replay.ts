/**
 * Replay benchmark: `npm run bench:replay` (or `-- --events=20000 --subscribers=3` for a smoke run).
 *
 * The Rozet server runs in a child process with a fresh temp ROZET_HOME (bench/lib/server-child.ts). This process
 * ingests the events over REST in batches of 1,000 (POST /api/events), then starts N WebSocket subscribers, each
 * with its own typed client and socket, resuming `event.subscribe` from lastEventId "0" (in a child process of
 * their own, so their decoding does not delay the probe), while the main thread polls GET /healthz back to back. It prints the
 * /healthz latency distribution during the replay and how long the replay took, against the target.
 * `--profile=DIR` runs the server with --cpu-prof into DIR.
 */
import { parseArgs } from "node:util";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createRozetClient } from "@rozet/api/client";
import { processMemory, spawnRozet } from "./lib/children.ts";
import { benchEventStream } from "./lib/events.ts";
import { keepAliveAgent, request } from "./lib/load.ts";
import { distribution, mib, ms, num, verdict } from "./lib/stats.ts";

interface ReplayJob {
  url: string;
  sessionId: string;
  subscribers: number;
  events: number;
}

/** Subscriber process: N subscribers replaying from 0; reports when each has received every event. */
async function replayInWorker(job: ReplayJob): Promise<void> {
  const started = performance.now();
  const done: number[] = [];
  await Promise.all(
    Array.from({ length: job.subscribers }, async () => {
      const client = createRozetClient({ url: job.url });
      let count = 0;
      await new Promise<void>((resolve, reject) => {
        const sub = client.api.event.subscribe.subscribe(
          { sessionId: job.sessionId, lastEventId: "0" },
          {
            onData: () => {
              if (++count < job.events) return;
              sub.unsubscribe();
              resolve();
            },
            onError: reject,
          },
        );
      });
      done.push(performance.now() - started);
      await client.close();
    }),
  );
  process.send!({ done }, () => process.exit(0));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { events: { type: "string", default: "100000" }, subscribers: { type: "string", default: "10" }, profile: { type: "string" } },
  });
  const events = Number(values.events);
  const subscribers = Number(values.subscribers);
  const server = await spawnRozet({ label: "replay", cpuProfDir: values.profile });
  const agent = keepAliveAgent(4);
  try {
    console.log(`Replay bench: ${num(events)} events, ${subscribers} subscribers from lastEventId "0"`);
    const next = benchEventStream({ app: "bench-replay" });
    let sessionId = "";
    const t0 = performance.now();
    for (let sent = 0; sent < events; sent += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, events - sent) }, next);
      const res = await request(agent, server.base, "POST", "/api/events", Buffer.from(JSON.stringify({ events: batch })));
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${res.body.toString().slice(0, 300)}`);
      sessionId = (JSON.parse(res.body.toString()) as { results: { sessionId: string }[] }).results[0]!.sessionId;
    }
    console.log(`  ingested ${num(events)} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const idle: number[] = [];
    for (let i = 0; i < 200; i++) idle.push(await healthz(agent, server.base));
    const before = distribution(idle);

    const job: ReplayJob = { url: server.url, sessionId, subscribers, events };
    const worker = fork(fileURLToPath(import.meta.url), [], { execArgv: ["--import", "tsx"], env: { ...process.env, ROZET_REPLAY_JOB: JSON.stringify(job) } });
    let finished = false;
    const result = new Promise<{ done: number[] }>((resolve, reject) => {
      worker.once("message", (m: { done: number[] }) => {
        finished = true;
        resolve(m);
      });
      worker.once("error", reject);
      worker.once("exit", (code) => code && reject(new Error(`subscriber process exited with ${code}`)));
    });
    const during: number[] = [];
    let peakRss = 0;
    while (!finished) {
      during.push(await healthz(agent, server.base));
      if (during.length % 50 === 0) peakRss = Math.max(peakRss, processMemory(server.pid).rss);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const { done } = await result;
    const d = distribution(during);
    const replaySeconds = Math.max(...done) / 1000;
    console.log(`  /healthz idle:          p50 ${ms(before.p50)}  p99 ${ms(before.p99)}  max ${ms(before.max)}  (n=${num(before.count)})`);
    console.log(`  /healthz during replay: p50 ${ms(d.p50)}  p99 ${ms(d.p99)}  max ${ms(d.max)}  (n=${num(d.count)})`);
    console.log(`  replay: ${subscribers} × ${num(events)} events in ${replaySeconds.toFixed(1)} s (${num((subscribers * events) / replaySeconds)} events/s delivered); server RSS peak ${mib(peakRss)}`);
    console.log(`  => /healthz p99 during replay: ${ms(d.p99)}   target ≤ 50 ms   ${verdict(d.p99 <= 50)}`);
  } finally {
    agent.destroy();
    await server.stop();
    server.cleanup();
  }
}

async function healthz(agent: ReturnType<typeof keepAliveAgent>, base: URL): Promise<number> {
  const started = performance.now();
  const res = await request(agent, base, "GET", "/healthz");
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
  return performance.now() - started;
}

const job = process.env.ROZET_REPLAY_JOB;
if (job) await replayInWorker(JSON.parse(job) as ReplayJob);
else await main();
