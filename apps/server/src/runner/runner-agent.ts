import { mkdirSync } from "node:fs";
import path from "node:path";
import { AGENT_ID_ENV, type AgentDriver, type DriverFactory, type DriverHost, type DriverStartInfo, type PermissionDecision, type PermissionRequest, type RunnerJob, type RunnerReport, type TurnResult } from "@rozet/orchestrator";
import { background, newId, type Logger } from "@rozet/vocabulary";
import type { EventUploader } from "./event-uploader.ts";

/** Marks every process of a runner's agents (and their children) with the runner's id: its reaper finds them by it. */
export const RUNNER_ID_ENV = "ROZET_RUNNER_ID";

type StartJob = Extract<RunnerJob, { kind: "start" }>;

export interface RunnerAgentOptions {
  job: StartJob;
  factory: DriverFactory;
  /** The runner's home: workspaces and agent data live under it, on the runner's disk. */
  home: string;
  /** Environment every agent of this runner gets (the runner's model endpoints and keys, its markers). */
  env: Record<string, string>;
  uploader: EventUploader;
  report: (report: RunnerReport) => Promise<void>;
  log: Logger;
}

/** One agent on a runner: the real driver, with a host that sends its events to the ingest and its asks to the server. */
export class RunnerAgent {
  private driver: AgentDriver | null = null;
  private turn: { commandId?: string | undefined; taskId?: string | undefined } = {};
  private readonly asks = new Map<string, (decision: PermissionDecision) => void>();
  /** Reports leave one at a time, in order: a turn's usage so far is counted before a later permission ask is answered. */
  private reports: Promise<void> = Promise.resolve();
  /** The newest streamed usage not yet sent; one report carries the newest figure when its turn in the queue comes. */
  private unsentUsage: { commandId: string | undefined; tokensSoFar: number } | null = null;

  constructor(private readonly options: RunnerAgentOptions) {}

  get agentId(): string {
    return this.options.job.agentId;
  }

  private readonly host: DriverHost = {
    emit: (event) => this.options.uploader.add({ sessionId: this.options.job.sessionId, agentId: this.agentId, ...this.turn }, event),
    requestPermission: (request, signal) => this.ask(request, signal),
    exited: (reason) => this.background("report the agent's exit", () => this.report({ kind: "exited", agentId: this.agentId, reason })),
    activity: () => undefined,
    turnUsage: (tokensSoFar) => this.reportUsage(tokensSoFar),
    background: (label, work) => this.background(label, work),
  };

  async start(): Promise<DriverStartInfo> {
    const { job, home } = this.options;
    const cwd = path.join(home, "workspaces", job.sessionId);
    const dataDir = path.join(home, "agents", job.agentId);
    mkdirSync(cwd, { recursive: true });
    mkdirSync(dataDir, { recursive: true });
    const configEnv = (job.config.env as Record<string, string> | undefined) ?? {};
    this.driver = this.options.factory({
      agentId: job.agentId,
      sessionId: job.sessionId,
      cwd,
      model: job.model,
      config: job.config,
      env: { ...this.options.env, ...configEnv, [AGENT_ID_ENV]: job.agentId },
      dataDir,
      resumeSessionId: job.resumeSessionId,
      priorCostUsd: job.priorCostUsd,
      host: this.host,
    });
    return this.driver.start();
  }

  /** One turn; its events are stored on the server before the turn's outcome is answered. */
  async prompt(job: Extract<RunnerJob, { kind: "prompt" }>): Promise<TurnResult> {
    this.turn = { commandId: job.commandId, taskId: job.taskId };
    try {
      return await this.requireDriver().prompt(job.text, this.turn);
    } finally {
      this.turn = {};
      await this.options.uploader.flush(this.agentId);
    }
  }

  cancel(): Promise<void> {
    return this.requireDriver().cancel();
  }

  async setMode(mode: string): Promise<void> {
    const driver = this.requireDriver();
    if (!driver.setMode) throw new Error("this agent's driver has no permission modes");
    await driver.setMode(mode);
  }

  answer(requestId: string, decision: PermissionDecision): void {
    this.asks.get(requestId)?.(decision);
  }

  async stop(): Promise<void> {
    for (const resolve of this.asks.values()) resolve({ behavior: "deny", message: "agent stopping" });
    await this.driver?.stop();
  }

  private async ask(request: PermissionRequest, signal: AbortSignal): Promise<PermissionDecision> {
    const requestId = newId();
    const answered = new Promise<PermissionDecision>((resolve) => {
      this.asks.set(requestId, resolve);
      signal.addEventListener("abort", () => {
        resolve({ behavior: "deny", message: "withdrawn" });
        this.background("withdraw a permission ask", () => this.report({ kind: "permission-withdrawn", agentId: this.agentId, requestId }));
      }, { once: true });
    });
    try {
      await this.report({ kind: "permission", agentId: this.agentId, requestId, request: { ...request } });
      return await answered;
    } finally {
      this.asks.delete(requestId);
    }
  }

  /** `report` may be read when its turn comes (a usage report then carries the newest figure). */
  private report(report: RunnerReport | (() => RunnerReport)): Promise<void> {
    const sent = this.reports.then(() => this.options.report(typeof report === "function" ? report() : report));
    this.reports = sent.catch(() => undefined);
    return sent;
  }

  /** The server's budgets act on streamed usage mid-turn: the figure goes to it, coalesced while one is queued. */
  private reportUsage(tokensSoFar: number): void {
    const queued = this.unsentUsage !== null;
    this.unsentUsage = { commandId: this.turn.commandId, tokensSoFar };
    if (queued) return;
    this.background("report the turn's usage", () =>
      this.report(() => {
        const usage = this.unsentUsage ?? { commandId: this.turn.commandId, tokensSoFar };
        this.unsentUsage = null;
        return { kind: "usage", agentId: this.agentId, ...(usage.commandId ? { commandId: usage.commandId } : {}), tokensSoFar: usage.tokensSoFar };
      }),
    );
  }

  private requireDriver(): AgentDriver {
    if (!this.driver) throw new Error(`agent ${this.agentId} has not started on this runner`);
    return this.driver;
  }

  private background(label: string, work: () => Promise<unknown>): void {
    background(this.options.log, `${label} (agent ${this.agentId})`, work);
  }
}
