import { spawn, type ChildProcess } from "node:child_process";
import { createRozetClient, type RozetClient } from "@rozet/api/client";
import { runnerJobSchema, type DeliveredJob, type DriverFactory, type JobOutcome, type RunnerJob, type RunnerReport } from "@rozet/orchestrator";
import { background, errorMessage, type Logger } from "@rozet/vocabulary";
import { EventUploader } from "./event-uploader.ts";
import { nothingWasDone, sendWithRetries } from "./retry.ts";
import { RUNNER_ID_ENV, RunnerAgent } from "./runner-agent.ts";

export interface RunnerOptions {
  server: string;
  token: string;
  name: string;
  label?: string | undefined;
  maxAgents: number;
  home: string;
  drivers: Record<string, DriverFactory>;
  /** The runner's own model endpoints and keys, given to its agents. */
  agentEnv: Record<string, string>;
  log: Logger;
  /** Starts the process that kills this runner's agents if it dies without stopping them (kill -9, OOM). */
  startReaper?: ((marker: string) => ChildProcess) | undefined;
}

const POLL_WAIT_MS = 20_000;

/**
 * `rozet runner`: hosts agents on this machine for a control room elsewhere. It only connects out: it registers,
 * long-polls its jobs, answers each, sends its agents' events through the normal ingest, and renews its leases with
 * heartbeats. A runner that stops renewing them loses its agents on the server (they go `lost`).
 */
export class Runner {
  private readonly client: RozetClient;
  private readonly uploader: EventUploader;
  private readonly agents = new Map<string, RunnerAgent>();
  /** Agents whose start the server acknowledged (only these are reported as running in heartbeats). */
  private readonly confirmed = new Set<string>();
  private runnerId: string | null = null;
  private leaseMs = 30_000;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;
  private polling: Promise<void> | null = null;
  private readonly pollAbort = new AbortController();
  /** Marks this runner's agent processes; the reaper kills what carries it once the runner is gone. */
  private readonly marker = `${process.pid}-${Date.now()}`;
  private reaper: ChildProcess | null = null;

  constructor(private readonly options: RunnerOptions) {
    this.client = createRozetClient({ url: options.server, token: options.token, batch: false });
    this.uploader = new EventUploader({ url: options.server.replace(/\/+$/, ""), token: options.token, log: options.log });
  }

  get id(): string | null {
    return this.runnerId;
  }

  async start(): Promise<void> {
    this.reaper = this.options.startReaper?.(this.marker) ?? null;
    await this.register();
    this.heartbeat = setInterval(() => background(this.options.log, "runner heartbeat", () => this.beat()), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.polling = this.pollLoop();
  }

  /** Stops every agent (their process groups end), sends what they still had to say, and stops polling. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.pollAbort.abort();
    await Promise.all([...this.agents.values()].map((agent) => agent.stop().catch((error: unknown) => this.options.log.warn({ err: error, agentId: agent.agentId }, "agent did not stop cleanly"))));
    await Promise.race([this.uploader.flush(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    this.uploader.close();
    await this.polling?.catch(() => undefined);
    await this.client.close();
    this.reaper?.kill("SIGTERM");
  }

  /** Registers; while the server cannot be reached (not up yet, restarting) it keeps trying. A refusal ends it. */
  private async register(): Promise<void> {
    let registered;
    for (let attempt = 0; ; attempt++) {
      try {
        registered = await this.client.api.runner.register.mutate({ name: this.options.name, label: this.options.label, maxAgents: this.options.maxAgents });
        break;
      } catch (error) {
        if (this.stopped || !isUnreachable(error)) throw error;
        this.options.log.warn({ err: error, server: this.options.server }, "control room not reachable; retrying");
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 5_000)));
      }
    }
    this.runnerId = registered.runnerId;
    this.leaseMs = registered.leaseMs;
    this.options.log.info({ runnerId: this.runnerId, label: this.options.label ?? "default" }, "runner registered");
  }

  private async beat(): Promise<void> {
    if (!this.runnerId || this.stopped) return;
    try {
      const { stop } = await this.client.api.runner.heartbeat.mutate({ runnerId: this.runnerId, running: [...this.confirmed] });
      // The server no longer counts these as ours (their lease expired while we were cut off): they must not run on.
      for (const agentId of stop) await this.stopAgent(agentId, "the server no longer holds its lease");
    } catch (error) {
      if (!isUnknownRunner(error)) throw error;
      // Our lease expired (a long network cut): every agent we had is lost on the server. Stop them and start over.
      for (const agentId of [...this.agents.keys()]) await this.stopAgent(agentId, "this runner's lease expired");
      await this.register();
    }
  }

  private async pollLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const capacity = Math.max(0, this.options.maxAgents - this.agents.size);
        const { jobs } = await this.client.api.runner.poll.mutate({ runnerId: this.runnerId!, capacity, waitMs: POLL_WAIT_MS }, { signal: this.pollAbort.signal });
        failures = 0;
        for (const delivered of jobs) this.handle(delivered);
      } catch (error) {
        if (this.stopped) return;
        failures += 1;
        this.options.log.warn({ err: error }, "poll failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** failures, 5_000)));
      }
    }
  }

  /** Runs one job and answers it; the answer is retried until the server takes it. */
  private handle(delivered: DeliveredJob): void {
    const job = runnerJobSchema.parse(delivered.job);
    background(this.options.log, `runner job ${job.kind} (agent ${job.agentId})`, async () => {
      let outcome: JobOutcome;
      try {
        outcome = await this.run(job);
      } catch (error) {
        outcome = { ok: false, error: errorMessage(error) };
      }
      await this.answer(delivered, outcome);
      if (job.kind === "start" && outcome.ok) this.confirmed.add(job.agentId);
    });
  }

  private async run(job: RunnerJob): Promise<JobOutcome> {
    if (job.kind === "start") return this.startAgent(job);
    const agent = this.agents.get(job.agentId);
    if (!agent) throw new Error(`agent ${job.agentId} does not run on runner ${this.options.name}`);
    switch (job.kind) {
      case "prompt":
        return { ok: true, turn: await agent.prompt(job) };
      case "interrupt":
        await agent.cancel();
        return { ok: true };
      case "set-mode":
        await agent.setMode(job.mode);
        return { ok: true };
      case "permission-answer":
        agent.answer(job.requestId, job.decision);
        return { ok: true };
      case "stop":
        await this.stopAgent(job.agentId, "stopped by the server");
        return { ok: true };
    }
  }

  private async startAgent(job: Extract<RunnerJob, { kind: "start" }>): Promise<JobOutcome> {
    const factory = this.options.drivers[job.driver];
    if (!factory) throw new Error(`runner ${this.options.name} cannot run ${job.driver} agents`);
    const agent = new RunnerAgent({
      job,
      factory,
      home: this.options.home,
      env: { ...this.options.agentEnv, [RUNNER_ID_ENV]: this.marker, ROZET_RUNNER_NAME: this.options.name },
      uploader: this.uploader,
      report: (report) => this.report(report),
      log: this.options.log,
    });
    this.agents.set(job.agentId, agent);
    try {
      const info = await agent.start();
      return { ok: true, externalSessionId: info.externalSessionId, processId: info.processId };
    } catch (error) {
      this.agents.delete(job.agentId);
      await agent.stop().catch(() => undefined);
      throw error;
    }
  }

  private async stopAgent(agentId: string, reason: string): Promise<void> {
    const agent = this.agents.get(agentId);
    this.agents.delete(agentId);
    this.confirmed.delete(agentId);
    if (!agent) return;
    this.options.log.info({ agentId, reason }, "stopping agent");
    await agent.stop();
    await this.uploader.flush();
  }

  /**
   * Sends a report; one the server answers 503 for (the replica driving the agent did not take it in time: nothing
   * was done) is sent again. Other failures are not: a report may have been handled, and twice would ask twice.
   */
  private async report(report: RunnerReport): Promise<void> {
    await sendWithRetries(() => this.client.api.runner.report.mutate({ runnerId: this.runnerId!, report }), {
      attempts: 6,
      firstDelayMs: 500,
      retryable: (error) => !this.stopped && nothingWasDone(error),
    });
  }

  private async answer(delivered: DeliveredJob, outcome: JobOutcome): Promise<void> {
    await sendWithRetries(() => this.client.api.runner.ack.mutate({ runnerId: this.runnerId!, jobId: delivered.id, queue: delivered.queue, outcome }), {
      attempts: 9,
      firstDelayMs: 200,
      retryable: (error) => !this.stopped && !isUnknownRunner(error),
    });
  }
}

/** No answer at all (connection refused, reset, DNS): the server is not there yet. */
function isUnreachable(error: unknown): boolean {
  return (error as { data?: unknown } | null)?.data === undefined;
}

function isUnknownRunner(error: unknown): boolean {
  return (error as { data?: { domainCode?: string } } | null)?.data?.domainCode === "NOT_FOUND";
}

/** How `rozet runner` starts its reaper: a detached process that outlives a killed runner by the time it sweeps. */
export function spawnReaper(bin: string): (marker: string) => ChildProcess {
  return (marker) => {
    const child = spawn(process.execPath, [bin, "runner-reaper", marker], { detached: true, stdio: ["pipe", "ignore", "inherit"] });
    // Its stdin is this runner's lifeline: EOF (this process is gone, however it ended) starts the sweep.
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    child.unref();
    return child;
  };
}
