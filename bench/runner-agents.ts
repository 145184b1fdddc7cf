/**
 * Agents per runner: one `rozet runner --max-agents N` (a child process) working for a server on Postgres (Debian's
 * server started by startTestPostgres). Starts N shell agents on it, then sends every agent a command at once, a few
 * rounds. Prints the time until all N are idle, the command round trip (agent.command → completed, events stored)
 * and the runner's memory. `node --import tsx bench/runner-agents.ts [--agents=N] [--rounds=R]`
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createRozetClient } from "@rozet/api/client";
import { startTestPostgres } from "@rozet/db/testing";
import { startServer } from "@rozet/server";
import { processMemory } from "./lib/children.ts";
import { distribution, mib, ms } from "./lib/stats.ts";

const { values } = parseArgs({ options: { agents: { type: "string", default: "20" }, rounds: { type: "string", default: "5" } } });
const N = Number(values.agents);
const ROUNDS = Number(values.rounds);
const TOKEN = "bench-runner-token-0123456789";
const BIN = fileURLToPath(new URL("../apps/server/bin/rozet.js", import.meta.url));

async function until(check: () => Promise<boolean>, label: string, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out: ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const pg = await startTestPostgres();
const home = mkdtempSync(path.join(tmpdir(), "rozet-bench-runner-"));
const runnerHome = mkdtempSync(path.join(tmpdir(), "rozet-bench-runner-home-"));
const server = await startServer({ home, port: 0, quiet: true, webDist: null, token: TOKEN, databaseUrl: pg.url });
const runner = spawn(process.execPath, [BIN, "runner", "--server", server.url, "--token", TOKEN, "--max-agents", String(N), "--home", runnerHome, "--name", "bench"], {
  env: { ...process.env, ROZET_LOG_LEVEL: "warn" },
  stdio: ["ignore", "pipe", "inherit"],
});
const exited = new Promise((resolve) => runner.once("exit", resolve));
const { api, close } = createRozetClient({ url: server.url, token: TOKEN });
try {
  await new Promise<void>((resolve) => runner.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("is up") && resolve()));
  const idleRss = processMemory(runner.pid!).rss;
  const session = await api.session.create.mutate({ name: "bench-runner" });
  const started = performance.now();
  const agents = await Promise.all(Array.from({ length: N }, (_, i) => api.agent.create.mutate({ sessionId: session.id, name: `a${i}`, driver: "shell", runnerLabel: "default" })));
  await until(async () => (await api.agent.list.query({ sessionId: session.id })).every((a) => a.status === "idle"), "all agents idle");
  const startSeconds = (performance.now() - started) / 1_000;
  const roundTrips: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await Promise.all(
      agents.map(async (agent) => {
        const t0 = performance.now();
        const command = await api.agent.command.mutate({ agentId: agent.id, text: `echo round-${round}` });
        await until(async () => (await api.agent.commands.query({ agentId: agent.id })).some((c) => c.id === command.id && c.status === "completed"), "command completed");
        roundTrips.push(performance.now() - t0);
      }),
    );
  }
  const loadedRss = processMemory(runner.pid!).rss;
  const trip = distribution(roundTrips);
  console.log(`${N} shell agents on one runner: all idle after ${startSeconds.toFixed(2)} s`);
  console.log(`command round trip (${roundTrips.length} commands, ${N} at once, polled every 25 ms): p50 ${ms(trip.p50)}, p95 ${ms(trip.p95)}, p99 ${ms(trip.p99)}`);
  console.log(`runner RSS (its own process, agents' shells not counted): ${mib(idleRss)} idle, ${mib(loadedRss)} with ${N} agents`);
} finally {
  await close();
  await server.close();
  runner.kill("SIGTERM");
  await exited;
  await pg.stop();
  rmSync(home, { recursive: true, force: true });
  rmSync(runnerHome, { recursive: true, force: true });
}
