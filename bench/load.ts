/**
 * Load proof: the plan's 50 concurrent agents, for real.
 *
 *   npm run bench:load      (ROZET_LOAD_AGENTS=50 ROZET_LOAD_HOOK_SENDERS=500 ROZET_LOAD_SECONDS=120)
 *
 * 1. Starts the Rozet server in its own process (fresh ROZET_HOME; its RSS and CPU are read from /proc) and, in a
 *    second process at nice ROZET_LOAD_GENERATOR_NICE (default 10: they stand in for the model API elsewhere), one
 *    model stub per agent (each agent gets its own script: Write → Edit → Bash → answer, over and over), and in a
 *    third (at the server's priority: they time their own round trips) the hook senders. This process only sends
 *    commands and measures, so its figures wait for the server, not for itself.
 * 2. Creates one session with "allow" rules for Write, Edit and Bash (permissions are asked and answered by rule),
 *    and N real Claude Code agents. A tenth of them are "interrupters": their turns are slow and get interrupted.
 * 3. Idle figures: command acknowledgement (agent.command mutation → accepted) one command at a time.
 * 4. Load for S seconds: every working agent loops (command → its turn ends → next command); interrupters loop
 *    (slow command → running → interrupt → turn ends); H hook senders each POST a Claude Code hook payload to
 *    /hooks/claude every ~2 s; Chromium has the session page open and its frames are sampled.
 * 5. Prints: ingest p50/p99 (hook POST round trip), command ack p50/p99 idle and under load (also split: the
 *    opening burst, every agent's first command at once, and the acks after it), interrupt p99
 *    (interrupt mutation → the interrupted command finished), permission answered → tool finished p99, server RSS and
 *    CPU, hook events acked vs stored, page frame p99 and long tasks. One JSON line for docs/performance.md.
 */
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { createRozetClient } from "@rozet/api/client";
import { claudeCodeEnv } from "@rozet/model-stub";
import { launchBrowser } from "../e2e/src/browser.ts";
import { processCpuSeconds, processMemory, spawnLoadGenerators, spawnRozet } from "./lib/children.ts";
import { nowMs } from "./lib/load.ts";
import { loadAverage, readFrames, startFrameSampling } from "./lib/frames.ts";
import { distribution, mib, ms, num, type Distribution } from "./lib/stats.ts";

const AGENTS = Number(process.env.ROZET_LOAD_AGENTS ?? 50);
const HOOK_SENDERS = Number(process.env.ROZET_LOAD_HOOK_SENDERS ?? 500);
const SECONDS = Number(process.env.ROZET_LOAD_SECONDS ?? 120);
const HOOK_INTERVAL_MS = Number(process.env.ROZET_LOAD_HOOK_INTERVAL_MS ?? 2_000);
const IDLE_COMMANDS = 20;
const INTERRUPTERS = Math.max(1, Math.round(AGENTS / 10));
const GENERATOR_NICE = Number(process.env.ROZET_LOAD_GENERATOR_NICE ?? 10);
const TURN_TIMEOUT_MS = 120_000;

const FINISHED = new Set(["completed", "failed", "cancelled"]);

/** Command lifecycle times, as the control feed reports them to this process. */
class CommandWatch {
  private readonly waiters = new Map<string, { status: Set<string>; resolve: (status: string) => void }>();
  private readonly seen = new Map<string, string>();

  onUpdate(update: { entity: string; id: string; status?: string | undefined }): void {
    if (update.entity !== "command" || !update.status) return;
    this.seen.set(update.id, update.status);
    const waiter = this.waiters.get(update.id);
    if (waiter?.status.has(update.status)) {
      this.waiters.delete(update.id);
      waiter.resolve(update.status);
    }
  }

  /** Resolves with the status once the command reaches one of `statuses` (at once if it already has). */
  until(commandId: string, statuses: Set<string>, timeoutMs = TURN_TIMEOUT_MS): Promise<string> {
    const now = this.seen.get(commandId);
    if (now && (statuses.has(now) || (FINISHED.has(now) && !statuses.has("running")))) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(commandId);
        reject(new Error(`command ${commandId} did not reach ${[...statuses].join("/")} in ${timeoutMs} ms (last: ${this.seen.get(commandId) ?? "none"})`));
      }, timeoutMs);
      this.waiters.set(commandId, {
        status: statuses,
        resolve: (status) => {
          clearTimeout(timer);
          resolve(status);
        },
      });
    });
  }

  forget(commandId: string): void {
    this.seen.delete(commandId);
  }
}

process.env.ROZET_BENCH_WEB = "1";
// ROZET_LOAD_PROFILE=<dir>: the server runs with --cpu-prof into that directory (written when it closes).
const server = await spawnRozet({ label: "load", ...(process.env.ROZET_LOAD_PROFILE ? { cpuProfDir: process.env.ROZET_LOAD_PROFILE } : {}) });
const { api, close: closeClient } = createRozetClient({ url: server.url });
const generators = await spawnLoadGenerators(GENERATOR_NICE);
// The hook senders time their own round trips: at the server's priority, so that a starved sender does not count as ingest latency.
const hookSenders = await spawnLoadGenerators(0);
const browser = await launchBrowser();
let stopping = false;
try {
  const session = await api.session.create.mutate({ name: `load-${new Date().toISOString().slice(11, 19)}` });
  for (const tool of ["Write", "Edit", "Bash"]) await api.permission.addRule.mutate({ sessionId: session.id, tool, action: "allow" });

  const commands = new CommandWatch();
  const control = api.control.onUpdate.subscribe({ sessionId: session.id }, { onData: ({ data }) => commands.onUpdate(data) });

  // Permission answered → the tool's result, per agent, as the event stream delivers them here.
  const answeredAt = new Map<string, number>();
  const resumeMs: number[] = [];
  let streamed = 0;
  const events = api.event.subscribe.subscribe(
    { sessionId: session.id, types: ["permission.answered", "tool.finished"] },
    {
      onData: ({ data }) => {
        streamed++;
        if (!data.agentId) return;
        if (data.type === "permission.answered") answeredAt.set(data.agentId, nowMs());
        else {
          const answered = answeredAt.get(data.agentId);
          if (answered !== undefined) resumeMs.push(nowMs() - answered);
          answeredAt.delete(data.agentId);
        }
      },
    },
  );

  // 1. Agents, each with its own stub.
  const startedAt = performance.now();
  const stubUrls = await generators.call<string[]>("stubs", { count: AGENTS, interrupters: INTERRUPTERS });
  const stubRequests = (index: number) => generators.call<number>("stubRequests", { index });
  const agents: { id: string; index: number; interrupter: boolean }[] = [];
  for (const [index, stubUrl] of stubUrls.entries()) {
    const interrupter = index < INTERRUPTERS;
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: `${interrupter ? "interrupter" : "worker"}-${index}`, driver: "claude", config: { env: claudeCodeEnv(stubUrl) } });
    agents.push({ id: agent.id, index, interrupter });
  }
  for (;;) {
    const list = await api.agent.list.query({ sessionId: session.id });
    const failed = list.filter((a) => a.status === "failed");
    if (failed.length > 0) throw new Error(`agents failed to start: ${failed.map((a) => `${a.name}: ${a.lastError}`).join("; ")}`);
    if (list.filter((a) => a.status === "idle").length === AGENTS) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const startupMs = performance.now() - startedAt;
  console.log(`${AGENTS} Claude Code agents idle after ${(startupMs / 1000).toFixed(1)} s`);

  const sendCommand = async (agentId: string, text: string, ...acks: number[][]) => {
    const t0 = nowMs();
    const command = await api.agent.command.mutate({ agentId, text });
    for (const list of acks) list.push(nowMs() - t0);
    return command;
  };

  // 2. Idle: one command at a time, each turn allowed to finish.
  const idleAcks: number[] = [];
  const workers = agents.filter((a) => !a.interrupter);
  for (let i = 0; i < IDLE_COMMANDS; i++) {
    const agent = workers[i % workers.length]!;
    const command = await sendCommand(agent.id, `idle turn ${i}`, idleAcks);
    await commands.until(command.id, FINISHED);
    commands.forget(command.id);
  }

  // 3. Load.
  const loadAcks: number[] = [];
  // Every loop's first command leaves at the same instant (all agents at once, batched by the client): the
  // opening burst is also reported apart from the acks after it.
  const burstAcks: number[] = [];
  const steadyAcks: number[] = [];
  const interruptMs: number[] = [];
  const failures: string[] = [];
  let turns = 0;
  let interrupts = 0;
  const deadline = performance.now() + SECONDS * 1_000;
  const during = () => performance.now() < deadline && !stopping;

  const workLoop = async (agent: (typeof agents)[number]) => {
    let n = 0;
    while (during()) {
      const command = await sendCommand(agent.id, `turn ${n} of worker ${agent.index}`, loadAcks, n++ === 0 ? burstAcks : steadyAcks);
      const status = await commands.until(command.id, FINISHED);
      commands.forget(command.id);
      if (status === "completed") turns++;
      else failures.push(`worker-${agent.index}: command ${status}`);
    }
  };
  const interruptLoop = async (agent: (typeof agents)[number]) => {
    let n = 0;
    while (during()) {
      const asked = await stubRequests(agent.index);
      const command = await sendCommand(agent.id, `slow turn ${n}`, loadAcks, n++ === 0 ? burstAcks : steadyAcks);
      await commands.until(command.id, new Set(["running", ...FINISHED]));
      // Interrupt only once the turn waits on its (slow) model answer.
      let answered = asked;
      while (answered === asked && during()) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        answered = await stubRequests(agent.index);
      }
      if (answered === asked) {
        // The run ended before the turn reached the model: stop it without counting it.
        await api.agent.interrupt.mutate({ agentId: agent.id });
        break;
      }
      const t0 = nowMs();
      const interrupt = await api.agent.interrupt.mutate({ agentId: agent.id });
      if (interrupt.result !== "interrupted the running turn") failures.push(`interrupter-${agent.index}: interrupt said ${interrupt.result ?? interrupt.status}`);
      await commands.until(command.id, FINISHED);
      interruptMs.push(nowMs() - t0);
      if (process.env.ROZET_LOAD_DEBUG) console.log(`interrupt ${n}: ${Math.round(nowMs() - t0)} ms, stub requests ${asked} → ${await stubRequests(agent.index)}`);
      commands.forget(command.id);
      interrupts++;
    }
  };

  // The page, with the session open, following live.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript({ content: "globalThis.__name = (fn) => fn;" });
  const page = await context.newPage();
  await page.goto(`${server.url}/sessions/${encodeURIComponent(session.id)}`);
  await page.waitForFunction(() => performance.getEntriesByName("rozet:timeline-ready").length > 0, undefined, { timeout: 60_000 });
  await startFrameSampling(page);
  const loadBefore = loadAverage();

  const cpuBefore = processCpuSeconds(server.pid);
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(processMemory(server.pid).rss), 1_000);
  const loadStarted = performance.now();
  // Hook senders (in the generator process): each is one Claude Code session started elsewhere, reporting tool use.
  const hooks = hookSenders
    .call<{ ingestMs: number[]; acked: number; refused: number }>("hooks", { base: server.url, senders: HOOK_SENDERS, intervalMs: HOOK_INTERVAL_MS, seconds: SECONDS })
    .catch((error: Error) => {
      failures.push(`hook senders: ${error.message}`);
      return { ingestMs: [], acked: 0, refused: 0 };
    });
  const loops = [...workers.map((agent) => workLoop(agent)), ...agents.filter((a) => a.interrupter).map((agent) => interruptLoop(agent))];
  const settled = await Promise.allSettled(loops);
  const { ingestMs, acked: hooksAcked, refused: hooksRefused } = await hooks;
  const loadSeconds = (performance.now() - loadStarted) / 1_000;
  clearInterval(sampler);
  const cpuSeconds = processCpuSeconds(server.pid) - cpuBefore;
  for (const result of settled) if (result.status === "rejected") failures.push(String((result.reason as Error)?.message ?? result.reason));

  // Interactivity after the load: a click on a timeline row opens the inspector.
  const clickStarted = performance.now();
  await page.locator(".tl-row").first().click();
  await page.locator("#inspector-title").waitFor({ timeout: 10_000 });
  const clickToInspectorMs = performance.now() - clickStarted;
  const frames = await readFrames(page);
  const loadAfter = loadAverage();
  control.unsubscribe();
  events.unsubscribe();

  // Acknowledged vs stored: every hook event the server answered 200 must be in the database.
  await server.stop();
  stopping = true;
  const db = new Database(path.join(server.home, "rozet.db"), { readonly: true });
  const stored = (db.prepare("SELECT count(*) AS n FROM Event WHERE eventId LIKE 'load-hook-%'").get() as { n: number }).n;
  const total = (db.prepare("SELECT count(*) AS n FROM Event").get() as { n: number }).n;
  db.close();

  const figure = (d: Distribution) => ({ p50: Math.round(d.p50 * 10) / 10, p99: Math.round(d.p99 * 10) / 10, max: Math.round(d.max), count: d.count });
  const ingest = distribution(ingestMs);
  const idleAck = distribution(idleAcks);
  const loadAck = distribution(loadAcks);
  const burstAck = distribution(burstAcks);
  const steadyAck = distribution(steadyAcks);
  const interrupt = distribution(interruptMs);
  const resume = distribution(resumeMs);
  const peakRss = Math.max(...rss);
  const result = {
    agents: AGENTS,
    interrupters: INTERRUPTERS,
    hookSenders: HOOK_SENDERS,
    generatorNice: GENERATOR_NICE,
    seconds: Math.round(loadSeconds),
    startupSeconds: Math.round(startupMs / 100) / 10,
    turnsCompleted: turns,
    interrupts,
    ingest: figure(ingest),
    commandAckIdle: figure(idleAck),
    commandAckLoad: figure(loadAck),
    commandAckOpeningBurst: figure(burstAck),
    commandAckAfterBurst: figure(steadyAck),
    interrupt: figure(interrupt),
    permissionToToolResult: figure(resume),
    serverRssPeakMiB: Math.round(peakRss / 2 ** 20),
    serverCpuCores: Math.round((cpuSeconds / loadSeconds) * 100) / 100,
    hooksAcked,
    hooksRefused,
    hooksStored: stored,
    eventsStored: total,
    eventsStreamedToBench: streamed,
    pageFrameP50: frames.p50,
    pageFrameP99: frames.p99,
    pageFrameMax: frames.max,
    pageLongTasks: frames.longTasks,
    pageLongestTaskMs: frames.longestTaskMs,
    loadAverage: { before: loadBefore, after: loadAfter },
    clickToInspectorMs: Math.round(clickToInspectorMs),
    failures: failures.length,
  };
  console.log(`
Load: ${AGENTS} Claude Code agents (${INTERRUPTERS} interrupted in a loop) + ${HOOK_SENDERS} hook senders, ${result.seconds} s (model stubs at nice ${GENERATOR_NICE}, hook senders at the server's priority)
  turns completed (Write, Edit, Bash each)   ${num(turns)}    interrupts ${num(interrupts)}
  ingest (hook POST round trip)              p50 ${ms(ingest.p50)}  p99 ${ms(ingest.p99)}  max ${ms(ingest.max)}  (${num(ingest.count)} posts)
  command ack (mutation → accepted), idle    p50 ${ms(idleAck.p50)}  p99 ${ms(idleAck.p99)}  (${idleAck.count})
  command ack under load                     p50 ${ms(loadAck.p50)}  p99 ${ms(loadAck.p99)}  max ${ms(loadAck.max)}  (${loadAck.count})
    the opening burst (all agents at once)   p50 ${ms(burstAck.p50)}  p99 ${ms(burstAck.p99)}  (${burstAck.count})
    after it                                 p50 ${ms(steadyAck.p50)}  p99 ${ms(steadyAck.p99)}  max ${ms(steadyAck.max)}  (${steadyAck.count})
  interrupt (mutation → command finished)    p50 ${ms(interrupt.p50)}  p99 ${ms(interrupt.p99)}  (${interrupt.count})
  permission answered → tool result          p50 ${ms(resume.p50)}  p99 ${ms(resume.p99)}  (${resume.count})
  server RSS peak                            ${mib(peakRss)}
  server CPU                                 ${result.serverCpuCores} cores on average (machine: ${os.cpus().length} cores)
  hook events acked / stored                 ${num(hooksAcked)} / ${num(stored)}  (refused ${num(hooksRefused)}; all events stored ${num(total)})
  page frames (session open, following)      p50 ${ms(frames.p50)}  p99 ${ms(frames.p99)}  max ${ms(frames.max)}; long tasks ${frames.longTasks} (longest ${frames.longestTaskMs} ms); load average ${loadBefore} → ${loadAfter}
  page click → inspector after the load      ${result.clickToInspectorMs} ms
  failures                                   ${failures.length}${failures.length ? `: ${failures.slice(0, 5).join("; ")}` : ""}
`);
  console.log(JSON.stringify(result));
  if (stored < hooksAcked) {
    console.error(`LOST: ${hooksAcked - stored} acknowledged hook events are not stored`);
    process.exitCode = 1;
  }
} finally {
  stopping = true;
  await closeClient().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await server.stop().catch(() => undefined);
  await generators.stop().catch(() => undefined);
  await hookSenders.stop().catch(() => undefined);
  server.cleanup();
}
