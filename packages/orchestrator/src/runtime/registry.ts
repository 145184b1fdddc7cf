import { mkdirSync } from "node:fs";
import path from "node:path";
import { DomainError, errorMessage, notFound, OPEN_COMMAND_STATUSES } from "@rozet/vocabulary";
import type { Models } from "@rozet/db";
import type { Stores } from "../deps.ts";
import { AgentRuntime, type AgentRuntimeDeps, type AgentRuntimeOptions } from "./agent-runtime.ts";
import type { AgentDriver, ControlRoomTool, DriverFactory } from "./driver.ts";
import { observedNotDriven } from "./observed-agents.ts";
import { LIVE_STATUSES, type AgentStatus } from "./lifecycle.ts";
import type { AgentWorkspace, AgentWorkspaceRequest } from "./agent-workspace.ts";
import { AGENT_ID_ENV, killOrphans } from "../process/orphans.ts";
import type { RunnerHub } from "../runners/runner-hub.ts";
import { runnerLabelOf } from "../runners/runner-label.ts";
import { agentFits, agentKindOf, type AgentKind, type AgentWants } from "./agent-fit.ts";
import { readOnlyReason } from "./read-only.ts";

/** What the task scheduler hears from the agents (bound late: the scheduler in turn looks agents up here). */
export interface AgentTaskCallbacks {
  taskTurnStarting: AgentRuntimeOptions["onTaskTurnStarting"];
  taskTurnEnded: AgentRuntimeOptions["onTaskTurnEnded"];
  commandFinished: AgentRuntimeOptions["onCommandFinished"];
  agentIdle(sessionId: string): void;
  taskRequeued(taskId: string, reason: string): void;
}

export interface AgentRegistryDeps extends AgentRuntimeDeps, Pick<Stores, "leases"> {
  /** The folder an agent works in (the session workspace, or a worktree of its own). */
  prepareWorkspace: (input: AgentWorkspaceRequest) => Promise<AgentWorkspace>;
  tasks: AgentTaskCallbacks;
  drivers: Record<string, DriverFactory>;
  /** Control-room data dir; each agent gets `<dataDir>/agents/<id>` (e.g. its CLAUDE_CONFIG_DIR). */
  dataDir: string;
  /** Environment every agent gets (model endpoints and keys configured for the server). */
  agentEnv: Record<string, string>;
  watchdogMs: number;
  /**
   * Tools of the control room an agent is started with (a planner's `submit_plan`). An agent that has some is
   * reserved for that job: the task scheduler never hands it a task.
   */
  toolsFor?: ((agentId: string) => readonly ControlRoomTool[] | undefined) | undefined;
  /** Remote runners (null: agents asking for a runner label are refused). */
  runners: Pick<RunnerHub, "driverFactory"> | null;
}

type LaunchedAgent = Models.AgentModel & { session: Models.SessionModel };

type StoredAgent = Pick<Models.AgentModel, "id" | "sessionId" | "driver" | "config" | "status" | "budgetUsd" | "budgetTokens" | "costUsd" | "inputTokens" | "outputTokens">;

/** All live agents of the control room, keyed by id. */
export class AgentRegistry {
  private readonly runtimes = new Map<string, AgentRuntime>();
  /** What each tracked agent is (driver, ACP profile, runner label), for matching tasks to agents. */
  private readonly kinds = new Map<string, AgentKind>();

  constructor(private readonly deps: AgentRegistryDeps) {}

  /**
   * Agents a previous server process left running cannot be re-attached (their pipes died with it): mark them
   * lost with the reason (after killing their leftover processes), and fail their unfinished commands. They can be resumed where the driver supports it.
   * Returns their ids (those on runners lose their leases).
   */
  async recover(): Promise<string[]> {
    const live = await this.deps.prisma.agent.findMany({ where: { status: { in: [...LIVE_STATUSES] }, driver: { not: "external" } } });
    // Agents another replica runs (it holds their lease) are not left over: only the rest are.
    const running = await this.deps.leases.heldElsewhere(live.map((agent) => agent.id));
    const stale = live.filter((agent) => !running.has(agent.id));
    // First of all: their processes may still run under init (the server was killed without stopping them).
    const sweep = killOrphans(new Set(stale.map((agent) => agent.id)));
    if (sweep.orphans.length > 0) {
      this.deps.log.warn({ groups: sweep.killedGroups, processes: sweep.orphans.length }, "killed processes a previous server left running");
    }
    for (const agent of stale) {
      await this.deps.prisma.agent.update({ where: { id: agent.id }, data: { status: "lost", lastError: `server restarted while the agent was ${agent.status}` } });
    }
    await this.deps.prisma.command.updateMany({
      where: { status: { in: [...OPEN_COMMAND_STATUSES] }, agentId: { notIn: [...running] } },
      data: { status: "failed", error: "server restarted before the command finished", finishedAt: new Date() },
    });
    return stale.map((agent) => agent.id);
  }

  get(agentId: string): AgentRuntime {
    const runtime = this.runtimes.get(agentId);
    if (!runtime) throw new DomainError("ILLEGAL_STATE", `agent ${agentId} is not running; start or resume it first`, { agentId });
    return runtime;
  }

  find(agentId: string): AgentRuntime | undefined {
    return this.runtimes.get(agentId);
  }

  /**
   * Idle agents of a session, oldest first (for task assignment): not one that was just handed a prompt, not one
   * reserved for a job (a planner), and only agents of the kind the task wants (driver, ACP profile, runner label).
   */
  idleIn(sessionId: string, wants: AgentWants = {}): AgentRuntime[] {
    return [...this.runtimes.values()].filter(
      (r) =>
        r.sessionId === sessionId &&
        r.status === "idle" &&
        r.queued.length === 0 &&
        !r.hasTurn &&
        !this.deps.toolsFor?.(r.agentId) &&
        agentFits(this.kinds.get(r.agentId)!, wants),
    );
  }

  /** The agent's runner is gone: it is lost with the reason (also when this server holds no runtime for it). */
  async lose(agentId: string, reason: string): Promise<void> {
    const runtime = this.runtimes.get(agentId);
    if (runtime) return runtime.lose(reason);
    await this.deps.prisma.agent.updateMany({ where: { id: agentId, status: { in: [...LIVE_STATUSES] } }, data: { status: "lost", lastError: reason } });
  }

  /**
   * Starts (or resumes) the agent's driver. Resolves when it is idle. Any refusal on the way (no workspace, a
   * workspace outside the sandbox, a driver that cannot be built or started) leaves the agent `failed` with the
   * reason, on the timeline and the control feed, and rejects; resuming it tries again.
   */
  async launch(agentId: string, opts: { resume?: boolean } = {}): Promise<AgentRuntime> {
    const agent = await this.deps.prisma.agent.findUnique({ where: { id: agentId }, include: { session: true } });
    if (!agent) throw notFound("agent", agentId);
    if (agent.driver === "external") throw observedNotDriven(agent);
    const factory = this.deps.drivers[agent.driver];
    if (!factory) throw new DomainError("INVALID_INPUT", `agents with driver ${agent.driver} cannot be started by the control room`, { driver: agent.driver });
    const existing = this.runtimes.get(agentId);
    if (existing && LIVE_STATUSES.has(existing.status)) throw new DomainError("ILLEGAL_STATE", `agent ${agent.name} is already ${existing.status}`);

    const config = JSON.parse(agent.config) as Record<string, unknown>;
    const runnerLabel = runnerLabelOf(config);
    const launched: { runtime?: AgentRuntime } = {};
    let driver: AgentDriver;
    try {
      driver = runnerLabel === null ? await this.localDriver(agent, config, factory, launched, opts) : this.remoteDriver(agent, config, runnerLabel, launched, opts);
    } catch (error) {
      // Refused before the driver ran: the agent must not stay `starting` with no reason.
      await (launched.runtime ?? this.track(agent, null, runnerLabel)).refuseStart(`failed to start: ${errorMessage(error)}`);
      throw error instanceof DomainError ? error : new DomainError("AGENT_FAILED", `failed to start: ${errorMessage(error)}`, { agentId });
    }
    // This replica runs it now: other replicas starting leave it alone (agent leases).
    await this.deps.leases.hold(agent.id);
    await launched.runtime!.start(driver);
    return launched.runtime!;
  }

  /** The agent's driver on this machine: its workspace (sandbox-checked), data dir and environment. */
  private async localDriver(agent: LaunchedAgent, config: Record<string, unknown>, factory: DriverFactory, launched: { runtime?: AgentRuntime }, opts: { resume?: boolean }): Promise<AgentDriver> {
    if (!agent.session.workspaceRoot) throw new DomainError("ILLEGAL_STATE", `session ${agent.sessionId} has no workspace (it was created by hooks or events)`, { sessionId: agent.sessionId });
    const dataDir = path.join(this.deps.dataDir, "agents", agent.id);
    mkdirSync(dataDir, { recursive: true });
    const workspace = await this.deps.prepareWorkspace({ workspace: agent.session.workspaceRoot, agentId: agent.id, agentName: agent.name, worktree: config.worktree === true });
    const runtime = (launched.runtime = this.track(agent, { cwd: workspace.cwd, isolated: workspace.isolated }, null));
    // The id marks the agent's processes and their children, so recover() can find them after a crash.
    const env = { ...this.deps.agentEnv, ...(config.env as Record<string, string> | undefined), [AGENT_ID_ENV]: agent.id };
    return factory({
      agentId: agent.id,
      sessionId: agent.sessionId,
      cwd: workspace.cwd,
      model: agent.model ?? undefined,
      config,
      env,
      dataDir,
      resumeSessionId: opts.resume ? (agent.externalSessionId ?? undefined) : undefined,
      priorCostUsd: agent.costUsd,
      tools: this.deps.toolsFor?.(agent.id),
      host: runtime.host,
    });
  }

  /** The agent's driver on a runner with its label: the workspace, data dir and environment are the runner's. */
  private remoteDriver(agent: LaunchedAgent, config: Record<string, unknown>, runnerLabel: string, launched: { runtime?: AgentRuntime }, opts: { resume?: boolean }): AgentDriver {
    const runtime = (launched.runtime = this.track(agent, null, runnerLabel));
    if (!this.deps.runners) {
      throw new DomainError("ILLEGAL_STATE", "runners need the Postgres store: start the server with ROZET_DATABASE_URL=postgres://… (the job queue lives there)", { field: "runnerLabel" });
    }
    return this.deps.runners.driverFactory(runnerLabel, agent.driver)({
      agentId: agent.id,
      sessionId: agent.sessionId,
      cwd: "",
      model: agent.model ?? undefined,
      config,
      env: {},
      dataDir: "",
      resumeSessionId: opts.resume ? (agent.externalSessionId ?? undefined) : undefined,
      priorCostUsd: agent.costUsd,
      host: runtime.host,
    });
  }

  /** A runtime for the agent as stored, registered under its id (replacing a stopped or failed one). */
  private track(agent: StoredAgent, workspace: AgentRuntimeOptions["workspace"], runnerLabel: string | null): AgentRuntime {
    const config = JSON.parse(agent.config) as Record<string, unknown>;
    const runtime = new AgentRuntime(this.deps, {
      agentId: agent.id,
      sessionId: agent.sessionId,
      status: agent.status as AgentStatus,
      budget: { usd: agent.budgetUsd, tokens: agent.budgetTokens },
      spent: { usd: agent.costUsd, tokens: agent.inputTokens + agent.outputTokens },
      watchdogMs: this.deps.watchdogMs,
      workspace,
      onTaskTurnStarting: (turn) => this.deps.tasks.taskTurnStarting(turn),
      onTaskTurnEnded: (turn, status) => this.deps.tasks.taskTurnEnded(turn, status),
      onCommandFinished: (commandId, taskId, status, detail) => this.deps.tasks.commandFinished(commandId, taskId, status, detail),
      onIdle: () => this.deps.tasks.agentIdle(agent.sessionId),
      onTaskRequeued: (taskId, reason) => this.deps.tasks.taskRequeued(taskId, reason),
      runnerLabel,
      // A planner (an agent with control-room tools) is started read-only whatever its driver.
      readOnly: config.readOnly === true ? readOnlyReason(this.deps.toolsFor?.(agent.id) !== undefined) : null,
    });
    this.runtimes.set(agent.id, runtime);
    this.kinds.set(agent.id, agentKindOf(agent.driver, config, runnerLabel));
    return runtime;
  }

  async stop(agentId: string): Promise<void> {
    await this.get(agentId).stop();
  }

  /** Stops and forgets a session's agents (the session is being deleted). */
  async stopSession(sessionId: string): Promise<void> {
    const runtimes = [...this.runtimes.values()].filter((r) => r.sessionId === sessionId);
    await Promise.all(runtimes.map((r) => r.stop("session deleted").catch((error: unknown) => this.logStopFailure(r.agentId, error))));
    for (const runtime of runtimes) {
      this.runtimes.delete(runtime.agentId);
      this.kinds.delete(runtime.agentId);
    }
  }

  /**
   * Stops every agent: at server shutdown (no agent process outlives the server), and when another replica took this
   * one for dead (its agents were marked lost and their tasks re-dispatched: none may run on unwatched, or twice).
   */
  async shutdown(reason = "server shutting down"): Promise<void> {
    await Promise.all([...this.runtimes.values()].map((r) => r.stop(reason).catch((error: unknown) => this.logStopFailure(r.agentId, error))));
  }

  /** Stopping goes on for the other agents; the failure is not lost. */
  private logStopFailure(agentId: string, error: unknown): void {
    this.deps.log.warn({ err: error, agentId }, "agent did not stop cleanly");
  }

}
