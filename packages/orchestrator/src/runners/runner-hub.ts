import { EventEmitter } from "node:events";
import { background, DomainError, newId, type Logger } from "@rozet/vocabulary";
import type { Bus } from "@rozet/db";
import type { Replicas } from "../replica-topics.ts";
import type { DriverContext, DriverFactory, DriverHost } from "../runtime/driver.ts";
import { isStartQueue, runnerQueueName, startQueueName, type DeliveredJob, type JobOutcome, type RunnerJob, type RunnerReport } from "./protocol.ts";
import type { RunnerQueue, RunnerRecord } from "./queue.ts";
import { RemoteDriver } from "./remote-driver.ts";

export interface RunnerHubDeps {
  queue: RunnerQueue;
  log: Logger;
  /** Wakes the watchdog of a runner's agent when its events arrive through the ingest. */
  bus: Pick<Bus, "subscribe">;
  /** A runner that has not renewed its leases for this long has lost them. */
  leaseMs: number;
  /** Marks an agent lost with the reason (its queued work goes back to the scheduler). */
  lose: (agentId: string, reason: string) => Promise<void>;
  /**
   * The other replicas: a runner may talk to any of them (through a balancer), while the agent's driver, and the
   * call waiting for a job's answer, live on the replica that started it. Answers and lost leases that arrive
   * elsewhere travel there as replica signals (re-read after a LISTEN cut); reports go through `forwardReport`.
   */
  replicas: Pick<Replicas, "send" | "on" | "onResync">;
  /**
   * Hands a runner's report to the replica that drives its agent (a forwarded agent call: kept as a row until that
   * replica takes it, so a missed signal delays a report, never loses it). False: no live replica drives the agent.
   */
  forwardReport: (runnerId: string, report: RunnerReport) => Promise<boolean>;
}

/** How long one poll waits for a job before the runner asks again. */
const MAX_POLL_MS = 25_000;
/** Jobs sent by another server (replica) are seen within this, even with no local wake-up. */
const POLL_INTERVAL_MS = 500;

interface PendingJob {
  agentId: string;
  queue: string;
  resolve: (outcome: JobOutcome & { runnerId: string }) => void;
  reject: (error: Error) => void;
}

/**
 * The server's side of remote runners: registers them, hands them jobs (long poll), takes their answers and
 * reports, and sweeps expired leases. Agents on runners are driven through `RemoteDriver`, so the agent runtime
 * (state machine, command queue, permissions) is the same as for local agents.
 */
export class RunnerHub {
  private readonly pending = new Map<string, PendingJob>();
  private readonly drivers = new Map<string, RemoteDriver>();
  /** Open permission asks of runner agents, by the runner's request id. */
  private readonly permissionAsks = new Map<string, AbortController>();
  private readonly wake = new EventEmitter();
  private sweeper: NodeJS.Timeout | null = null;
  /** Set when the server begins to shut down (runners can no longer reach it to take jobs). */
  closing = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: RunnerHubDeps) {
    this.wake.setMaxListeners(0);
    deps.replicas.on("runner.answered", ({ jobId, queue, runnerId, outcome }) => {
      if (this.pending.has(jobId)) background(deps.log, `runner ${runnerId}'s answer to job ${jobId} (acknowledged on another replica)`, () => this.answered(runnerId, jobId, queue, outcome));
    });
    deps.replicas.on("runner.lost", ({ agentId, reason }) => {
      if (this.drivers.has(agentId)) background(deps.log, `lose runner agent ${agentId} (swept on another replica)`, () => this.loseHere(agentId, reason));
    });
    // Signals sent while this replica's LISTEN connection was down are gone: answers and leases are read again.
    deps.replicas.onResync(() =>
      background(deps.log, "re-read runner answers and leases missed while cut off from the other replicas", async () => {
        await this.rereadAnswers();
        await this.recheckLeases();
      }),
    );
  }

  /** Agents driven here whose runner lease is gone (swept by another replica, its `runner.lost` missed): lost here too. */
  async recheckLeases(): Promise<void> {
    for (const [agentId, driver] of [...this.drivers]) {
      const runnerId = driver.runnerId;
      if (!runnerId || (await this.deps.queue.leaseHolder(agentId)) === runnerId || this.drivers.get(agentId) !== driver) continue;
      const reason = `runner lost: its lease on the agent expired (swept by another replica while this one was cut off from it)`;
      this.deps.log.warn({ agentId, runnerId }, reason);
      await this.loseHere(agentId, reason);
    }
  }

  /** Jobs still waiting here whose answer the queue already holds (answered on another replica): they hear it now. */
  async rereadAnswers(): Promise<void> {
    for (const [jobId, job] of [...this.pending]) {
      if (jobId.startsWith("pending:")) continue;
      const kept = await this.deps.queue.answerOf(job.queue, jobId);
      if (kept) await this.answered(kept.runnerId, jobId, job.queue, kept.outcome);
    }
  }

  start(): void {
    this.sweeper = setInterval(() => background(this.deps.log, "sweep runner leases", () => this.sweep()), Math.max(250, Math.floor(this.deps.leaseMs / 3)));
    this.sweeper.unref();
    this.unsubscribe = this.deps.bus.subscribe("events", (events) => {
      for (const event of events) {
        const driver = event.agentId ? this.drivers.get(event.agentId) : undefined;
        if (!driver) continue;
        driver.activity();
        // The agent's events reach the timeline through the ingest, not through its runtime: their usage counts
        // toward its budgets from here (the server's own events of the agent carry none).
        if (event.costUsd || event.inputTokens || event.outputTokens) driver.usageStored(event);
      }
    });
  }

  /** From now on agents stop by releasing their leases (their runners stop them at the next heartbeat). */
  beginShutdown(): void {
    this.closing = true;
  }

  /** Agents this server no longer drives (marked lost at start-up): their runners stop them at the next heartbeat. */
  async release(agentIds: readonly string[]): Promise<void> {
    for (const agentId of agentIds) await this.deps.queue.releaseLease(agentId);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.unsubscribe?.();
    for (const [jobId, job] of this.pending) {
      this.pending.delete(jobId);
      job.reject(new Error("server shutting down"));
    }
    await this.deps.queue.close();
  }

  /** A driver factory for agents that run on a runner with this label. */
  driverFactory(label: string, driver: string): DriverFactory {
    return (context: DriverContext) => {
      const remote = new RemoteDriver({ hub: this, context, label, driver });
      this.drivers.set(context.agentId, remote);
      return remote;
    };
  }

  async register(input: { name: string; label: string; maxAgents: number }): Promise<{ runnerId: string; leaseMs: number }> {
    const runner: RunnerRecord = { id: newId(), ...input };
    await this.deps.queue.registerRunner(runner, this.deps.leaseMs);
    this.deps.log.info({ runner }, "runner registered");
    return { runnerId: runner.id, leaseMs: this.deps.leaseMs };
  }

  /** Renews the runner's leases; answers the agents it runs that are no longer its own (it stops them). */
  async heartbeat(runnerId: string, running: string[]): Promise<{ stop: string[] }> {
    const held = await this.deps.queue.heartbeat(runnerId, this.deps.leaseMs);
    if (held === null) throw unknownRunner(runnerId);
    const own = new Set(held);
    return { stop: running.filter((agentId) => !own.has(agentId)) };
  }

  /** Jobs for this runner: its agents' jobs, and start jobs of its label while it has room. Waits up to `waitMs`. */
  async poll(runnerId: string, input: { capacity: number; waitMs: number; signal?: AbortSignal | undefined }): Promise<DeliveredJob[]> {
    const runner = await this.deps.queue.findRunner(runnerId);
    if (!runner) throw unknownRunner(runnerId);
    const deadline = Date.now() + Math.min(input.waitMs, MAX_POLL_MS);
    for (;;) {
      const jobs = await this.deps.queue.fetch(runnerQueueName(runnerId), 20);
      if (input.capacity > 0) jobs.push(...(await this.deps.queue.fetch(startQueueName(runner.label), input.capacity)));
      if (jobs.length > 0 || Date.now() >= deadline || input.signal?.aborted) return jobs;
      await this.nextWake(Math.min(POLL_INTERVAL_MS, deadline - Date.now()), input.signal);
    }
  }

  /** A runner's answer to a job: the job completes (or fails) in the queue and its sender hears the outcome. */
  async ack(runnerId: string, input: { jobId: string; queue: string; outcome: JobOutcome }): Promise<void> {
    const { jobId, queue, outcome } = input;
    if (queue !== runnerQueueName(runnerId) && !isStartQueue(queue)) {
      throw new DomainError("INVALID_INPUT", `queue ${queue} is not this runner's`, { field: "queue" });
    }
    await this.deps.queue.answer(queue, jobId, { runnerId, outcome });
    // Sent by another replica (the runner talks to this one): the answer goes to the one waiting for it.
    if (!this.pending.has(jobId)) await this.deps.replicas.send("runner.answered", { jobId, queue, runnerId, outcome });
    else await this.answered(runnerId, jobId, queue, outcome);
  }

  /** The sender of a job hears its answer. */
  private async answered(runnerId: string, jobId: string, queue: string, outcome: JobOutcome): Promise<void> {
    const waiting = this.pending.get(jobId);
    if (!waiting) return;
    this.pending.delete(jobId);
    // A started agent's lease is its runner's from now on.
    if (outcome.ok && isStartQueue(queue)) await this.deps.queue.grantLease(waiting.agentId, runnerId, this.deps.leaseMs);
    waiting.resolve({ ...outcome, runnerId });
  }

  async report(runnerId: string, report: RunnerReport): Promise<void> {
    const driver = this.drivers.get(report.agentId);
    if (driver?.runnerId === runnerId) return this.handleReport(driver, runnerId, report);
    // Driven by another replica (the runner holds its lease): that replica hears the report.
    if ((await this.deps.queue.leaseHolder(report.agentId)) !== runnerId || !(await this.deps.forwardReport(runnerId, report))) throw notDrivenHere(report.agentId, runnerId);
  }

  /** A report another replica forwarded here: for an agent this replica drives on that runner, or refused. */
  reportHere(runnerId: string, report: RunnerReport): void {
    const driver = this.drivers.get(report.agentId);
    if (driver?.runnerId !== runnerId) throw notDrivenHere(report.agentId, runnerId);
    this.handleReport(driver, runnerId, report);
  }

  private handleReport(driver: RemoteDriver, runnerId: string, report: RunnerReport): void {
    switch (report.kind) {
      case "exited":
        this.drivers.delete(report.agentId);
        background(this.deps.log, `release lease of ${report.agentId}`, () => this.deps.queue.releaseLease(report.agentId));
        driver.host.exited(report.reason);
        return;
      case "permission-withdrawn":
        this.permissionAsks.get(report.requestId)?.abort();
        return;
      case "usage":
        driver.host.turnUsage?.(report.tokensSoFar, { commandId: report.commandId });
        return;
      case "permission": {
        const controller = new AbortController();
        this.permissionAsks.set(report.requestId, controller);
        background(this.deps.log, `permission ask of runner agent ${report.agentId}`, async () => {
          try {
            const decision = await driver.host.requestPermission(report.request, controller.signal);
            await this.send(report.agentId, { kind: "permission-answer", agentId: report.agentId, requestId: report.requestId, decision }, runnerId);
          } finally {
            this.permissionAsks.delete(report.requestId);
          }
        });
      }
    }
  }

  /** Sends a job and waits for the runner's answer. `runnerId` null: a start job, for any runner with the label. */
  async send(agentId: string, job: RunnerJob, runnerId: string | null, label?: string): Promise<JobOutcome & { runnerId: string }> {
    const queue = runnerId ? runnerQueueName(runnerId) : startQueueName(label!);
    const answered = new Promise<JobOutcome & { runnerId: string }>((resolve, reject) => {
      // Registered before the send: a fast runner can answer before send() returns.
      const provisional = `pending:${newId()}`;
      this.pending.set(provisional, { agentId, queue, resolve, reject });
      this.deps.queue.send(queue, job, { retry: runnerId === null }).then(
        (jobId) => {
          const entry = this.pending.get(provisional);
          this.pending.delete(provisional);
          if (entry) this.pending.set(jobId, entry);
          this.wake.emit("job");
        },
        (error: unknown) => {
          this.pending.delete(provisional);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
    return answered;
  }

  /** Where a runner agent's jobs go, or null when no runner holds its lease. */
  leaseHolder(agentId: string): Promise<string | null> {
    return this.deps.queue.leaseHolder(agentId);
  }

  /** The driver stopped: nothing more for this agent goes to its runner. */
  async forget(agentId: string): Promise<void> {
    this.drivers.delete(agentId);
    this.failPending(agentId, "agent stopped");
    await this.deps.queue.releaseLease(agentId);
  }

  /** Leases whose runner fell silent: their agents are lost, and whatever waited on that runner gives up. */
  async sweep(): Promise<void> {
    for (const expired of await this.deps.queue.takeExpired()) {
      const reason = `runner ${expired.runnerName} lost: no heartbeat since ${expired.lastSeenAt.toISOString()} (its ${Math.round(this.deps.leaseMs / 1000)} s lease expired)`;
      this.deps.log.warn({ agentId: expired.agentId, runnerId: expired.runnerId }, reason);
      // Driven by another replica: it gives up its waiting calls and loses the agent there (queued tasks re-queued).
      if (!this.drivers.has(expired.agentId)) await this.deps.replicas.send("runner.lost", { agentId: expired.agentId, reason });
      await this.loseHere(expired.agentId, reason);
    }
  }

  private async loseHere(agentId: string, reason: string): Promise<void> {
    this.drivers.get(agentId)?.lost(reason);
    this.drivers.delete(agentId);
    this.failPending(agentId, reason);
    await this.deps.lose(agentId, reason);
  }

  private failPending(agentId: string, reason: string): void {
    for (const [jobId, job] of this.pending) {
      if (job.agentId !== agentId) continue;
      this.pending.delete(jobId);
      job.reject(new Error(reason));
    }
  }

  private nextWake(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.off("job", done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wake.once("job", done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}

function unknownRunner(runnerId: string): DomainError {
  return new DomainError("NOT_FOUND", `runner ${runnerId} is not registered (its lease expired or the server restarted): register again`, { what: "runner", id: runnerId });
}

export type { DriverHost };

function notDrivenHere(agentId: string, runnerId: string): DomainError {
  return new DomainError("NOT_FOUND", `agent ${agentId} is not running on runner ${runnerId}`, { agentId });
}
