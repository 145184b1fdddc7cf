import { background, TASK_READY_AGENT_STATUSES } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";
import type { AgentDto } from "../dto.ts";
import type { AgentRuntime } from "./agent-runtime.ts";
import { recordEvent } from "../timeline.ts";
import { createCommand } from "./commands.ts";
import { wantsOf, type AgentWants } from "./agent-fit.ts";
import { dependencyVerdict } from "./task-dependencies.ts";
import { claimTask, finishTaskTurn, prepareTaskTurn, updateTask, type PreparedTurn, type TaskChange, type TaskRow, type TaskTurn } from "./task-turns.ts";

/** A running agent as the scheduler sees it: its state, and a queue to put the task's prompt in. */
export type SchedulableAgent = Pick<AgentRuntime, "agentId" | "status" | "enqueue">;

/** Where the scheduler finds agents (the registry, bound late: the registry reports back to the scheduler). */
export interface AgentDirectory {
  find(agentId: string): SchedulableAgent | undefined;
  /** Idle agents of a session with nothing queued, oldest first, of the kind a task wants (driver, ACP profile, runner label). */
  idleIn(sessionId: string, wants?: AgentWants): SchedulableAgent[];
}

/** A task's agent profile, to start an agent from when nobody is idle. */
export interface AgentProfile {
  sessionId: string;
  name: string;
  driver: "claude" | "acp" | "shell";
  model?: string | undefined;
  config?: Record<string, unknown> | undefined;
  /** Run the task's agent on a runner with this label (and give the task only to agents on such runners). */
  runnerLabel?: string | undefined;
}

export interface TaskSchedulerDeps extends Pick<Stores, "prisma" | "control" | "writer" | "log" | "replicas"> {
  agents: AgentDirectory;
  /** Creates an agent (it starts in the background and picks the task up once idle). */
  startAgent: (profile: AgentProfile) => Promise<AgentDto>;
}

/**
 * Turns tasks into commands: a pending task whose dependencies are done goes to its named agent or the first
 * idle agent of its session that fits its agent profile (driver, ACP profile, runner label), else to an agent
 * started from that profile; its status then follows the command. While a dependency is still open the task is
 * `waiting` (for whom, in its reason); a failed, cancelled or blocked dependency blocks it, with the reason. Runs again whenever a task finishes or an agent becomes idle.
 */
export class TaskScheduler {
  private running: Promise<void> = Promise.resolve();
  private readonly dirty = new Set<string>();
  /** Sessions whose pending pass was asked for here (not only by another replica's signal). */
  private readonly dirtyHere = new Set<string>();

  constructor(private readonly deps: TaskSchedulerDeps) {
    // Another replica left tasks waiting for an agent it does not run: one of ours may take them.
    deps.replicas.on("tasks.schedule", ({ sessionId }) => background(deps.log, `schedule tasks of session ${sessionId} (asked by another replica)`, () => this.schedule(sessionId, "replica")));
  }

  /**
   * Re-evaluates a session's waiting tasks (serialized: one pass at a time). A pass asked for here that leaves a task
   * waiting for an agent this replica does not run (its named agent, or any idle one) asks the other replicas for a
   * pass of their own; theirs ask nobody (no ping-pong).
   */
  schedule(sessionId: string, origin: "here" | "replica" = "here"): Promise<void> {
    this.dirty.add(sessionId);
    if (origin === "here") this.dirtyHere.add(sessionId);
    this.running = this.running.then(async () => {
      if (!this.dirty.delete(sessionId)) return;
      const here = this.dirtyHere.delete(sessionId);
      const outcome = await this.pass(sessionId).catch((error: unknown) => {
        this.deps.log.error({ err: error, sessionId }, "task scheduling failed");
        return { raced: false, waitingElsewhere: false };
      });
      if (outcome.waitingElsewhere && here) {
        await this.deps.replicas.send("tasks.schedule", { sessionId }).catch((error: unknown) => this.deps.log.warn({ err: error, sessionId }, "tasks.schedule not sent to the other replicas"));
      }
      // Another replica changed a task under this pass: look again with what it did.
      if (outcome.raced) background(this.deps.log, `schedule tasks of session ${sessionId} again`, () => this.schedule(sessionId));
    });
    return this.running;
  }

  agentIdle(sessionId: string): void {
    background(this.deps.log, `schedule tasks of session ${sessionId}`, () => this.schedule(sessionId));
  }

  commandFinished(commandId: string, taskId: string | undefined, status: "completed" | "failed" | "cancelled", detail: string | undefined): void {
    if (!taskId) return;
    background(this.deps.log, `task ${taskId} follows command ${commandId}`, async () => {
      const task = await this.deps.prisma.task.findUnique({ where: { id: taskId } });
      // A task stopped on a merge conflict keeps that status and reason (its command failed because of it).
      if (!task || task.status === "cancelled" || (task.status === "blocked" && task.mergeConflict !== null)) return;
      // Re-dispatched meanwhile (its agent was lost with its replica, which then came back and ended the turn): the
      // task follows its new agent, not this command.
      const command = await this.deps.prisma.command.findUnique({ where: { id: commandId }, select: { agentId: true } });
      if (command && task.agentId !== command.agentId) return;
      // Event first, then the row: whoever sees the task finished finds it on the timeline.
      await recordEvent(this.deps, { sessionId: task.sessionId, taskId, commandId, type: `task.${status}`, status, summary: `${task.title}: ${status}${detail && status !== "completed" ? ` (${detail})` : ""}` });
      await this.update(taskId, {
        status,
        finishedAt: new Date(),
        ...(status === "completed" ? { result: detail ?? null, error: null } : { error: detail ?? status }),
      });
      await this.schedule(task.sessionId);
    });
  }

  /** A task's turn is starting in its agent's folder: merge upstream work, hand it over, mark the task running. */
  taskTurnStarting(turn: TaskTurn): Promise<PreparedTurn> {
    return prepareTaskTurn(this.deps, turn);
  }

  /**
   * The task's prompt was queued on an agent that is now lost (its runner died) and never started: the task is
   * pending again, for any agent that fits it (its profile starts one on another runner if none is idle).
   */
  taskRequeued(taskId: string, reason: string): void {
    background(this.deps.log, `re-dispatch task ${taskId}`, async () => {
      const task = await this.deps.prisma.task.findUnique({ where: { id: taskId } });
      if (!task || (task.status !== "queued" && task.status !== "pending")) return;
      await this.update(taskId, { status: "pending", agentId: null, error: `re-dispatched: ${reason}` });
      await recordEvent(this.deps, { sessionId: task.sessionId, taskId, type: "task.requeued", summary: `${task.title}: re-dispatched (${reason})` });
      await this.schedule(task.sessionId);
    });
  }

  /**
   * The agent is lost with the replica that ran it: its queued and running tasks are pending again, for any agent
   * that fits them (the running one's turn died with that replica; its work so far stays in the agent's folder).
   */
  async requeueTasksOf(agentId: string, reason: string): Promise<void> {
    const tasks = await this.deps.prisma.task.findMany({ where: { agentId, status: { in: ["queued", "running"] } } });
    const sessions = new Set<string>();
    for (const task of tasks) {
      if (!(await this.claim(task, { status: "pending", agentId: null, error: `re-dispatched: ${reason}` }))) continue;
      await recordEvent(this.deps, { sessionId: task.sessionId, taskId: task.id, type: "task.requeued", summary: `${task.title}: re-dispatched (${reason})` });
      sessions.add(task.sessionId);
    }
    for (const sessionId of sessions) await this.schedule(sessionId);
  }

  /** A task's turn ended: keep its work (a commit on its agent's branch) for the tasks after it. */
  taskTurnEnded(turn: TaskTurn, status: "completed" | "failed" | "cancelled"): Promise<void> {
    return finishTaskTurn(this.deps, turn, status);
  }

  /**
   * `raced`: another replica changed a task this pass meant to change (then it left that task alone).
   * `waitingElsewhere`: a task is left waiting for an agent this replica does not run (another replica may).
   */
  private async pass(sessionId: string): Promise<{ raced: boolean; waitingElsewhere: boolean }> {
    let raced = false;
    let waitingElsewhere = false;
    const claim = async (task: TaskRow, data: TaskChange) => {
      const row = await this.claim(task, data);
      if (!row) raced = true;
      return row;
    };
    const tasks = await this.deps.prisma.task.findMany({ where: { sessionId }, orderBy: { createdAt: "asc" } });
    const byId = new Map(tasks.map((t) => [t.id, t]));
    // Oldest first: a task only depends on older ones, so a reason set here reaches its dependents in this pass.
    for (const [index, task] of tasks.entries()) {
      // A session with many tasks must not hold up every other request for the whole pass.
      if (index > 0 && index % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (task.status !== "pending" && task.status !== "waiting" && task.status !== "blocked") continue;
      // Stopped on a merge conflict: it waits for the operator (task.resolveConflict), not for its dependencies.
      if (task.status === "blocked" && task.mergeConflict !== null) continue;
      const verdict = dependencyVerdict((JSON.parse(task.dependsOn) as string[]).map((id) => byId.get(id)));
      if (verdict.kind !== "ready") {
        if (task.status === verdict.kind && task.error === verdict.reason) continue;
        const changed = await claim(task, { status: verdict.kind, error: verdict.reason });
        if (!changed) continue;
        byId.set(task.id, changed);
        if (verdict.kind === "blocked") {
          await recordEvent(this.deps, { sessionId, taskId: task.id, type: "task.blocked", status: "blocked", summary: `${task.title}: ${verdict.reason}` });
        }
        continue;
      }
      const profile = task.agentProfile ? (JSON.parse(task.agentProfile) as Omit<AgentProfile, "sessionId" | "name">) : null;
      // Only an agent of the profile's kind takes it: a Claude task's prompt is no command line for a shell agent.
      const runtime = task.agentId ? this.deps.agents.find(task.agentId) : this.deps.agents.idleIn(sessionId, wantsOf(profile))[0];
      if (!runtime && !task.agentId && profile) {
        // Nobody idle to take it: start an agent from the task's profile; it picks the task up once idle.
        if (!(await claim(task, { status: "pending", error: "starting an agent for it" }))) continue;
        // A task that ran before (its agent was lost) gets an agent of a new name: names are unique in a session.
        const name = task.attempts > 0 ? `task-${task.id.slice(0, 8)}-${task.attempts + 1}` : `task-${task.id.slice(0, 8)}`;
        const agent = await this.deps.startAgent({ sessionId, name, ...profile });
        await this.update(task.id, { status: "pending", agentId: agent.id, error: "waiting for its agent to be running" });
        await recordEvent(this.deps, { sessionId, agentId: agent.id, taskId: task.id, type: "task.agent_started", summary: `${task.title}: started ${agent.name} (${agent.driver})` });
        continue;
      }
      if (!runtime) waitingElsewhere = true;
      if (!runtime || (task.agentId && !TASK_READY_AGENT_STATUSES.has(runtime.status))) {
        const reason = task.agentId ? "waiting for its agent to be running" : "waiting for an idle agent";
        if (task.status !== "pending" || task.error !== reason) await claim(task, { status: "pending", error: reason });
        continue;
      }
      // Queued exactly once, also when two replicas' passes find the task ready at the same time.
      if (!(await claim(task, { status: "queued", agentId: runtime.agentId, attempts: { increment: 1 }, error: null }))) continue;
      const { command } = await createCommand(this.deps, { agentId: runtime.agentId, kind: "prompt", input: { text: task.prompt }, taskId: task.id, issuedBy: `task:${task.id}`, accepted: true, sessionId });
      await recordEvent(this.deps, { sessionId, agentId: runtime.agentId, taskId: task.id, commandId: command.id, type: "task.assigned", summary: task.title });
      const taskBudget = task.budgetUsd !== null || task.budgetTokens !== null ? { usd: task.budgetUsd, tokens: task.budgetTokens } : undefined;
      runtime.enqueue({ commandId: command.id, text: task.prompt, taskId: task.id, taskBudget });
    }
    return { raced, waitingElsewhere };
  }

  private update(taskId: string, data: Parameters<typeof updateTask>[2]) {
    return updateTask(this.deps, taskId, data);
  }

  private claim(task: TaskRow, data: TaskChange) {
    return claimTask(this.deps, task, data);
  }
}
