import { background, DomainError, type PlanDecision } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";
import { taskDto, type TaskDto } from "../dto.ts";
import type { AgentRegistry } from "../runtime/registry.ts";
import type { TaskScheduler } from "../runtime/task-scheduler.ts";
import { cancelTask, createTask } from "../tasks.ts";
import { recordEvent } from "../timeline.ts";
import type { PendingDecision, PlanDto, PlanTask } from "./plan-dto.ts";
import { loadPlan, savePlan, type PlanQueue } from "./plan-store.ts";
import type { Planner } from "./planner.ts";

export interface CoordinatorDeps extends Pick<Stores, "prisma" | "control" | "writer" | "log" | "bus"> {
  tasks: Pick<TaskScheduler, "schedule">;
  agents: Pick<AgentRegistry, "find">;
  queue: PlanQueue;
  planner: Pick<Planner, "start">;
}

const OPEN_TASK_STATUSES = ["pending", "waiting", "blocked", "queued", "running"];
/** Tasks without a profile of their own get a Claude agent when nobody is idle to take them. */
const DEFAULT_TASK_PROFILE = { driver: "claude" } as const;

/**
 * Carries out approved plans: creates their tasks (dependencies and budgets as proposed) for the task scheduler
 * to run, follows the tasks on the control feed, and ends the plan done when every task completed. A failed task
 * makes it ask the operator (retry, replan, stop); the plan's budget (the sum of its tasks' spend) stops it.
 */
export class PlanCoordinator {
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: CoordinatorDeps) {}

  /** Follows the tasks of plans (until `stop`). */
  start(): void {
    this.unsubscribe = this.deps.bus.subscribe("control", ({ update }) => {
      if (update.entity !== "task") return;
      const planId = (update.data as TaskDto | undefined)?.planId;
      if (!planId) return;
      background(this.deps.log, `plan ${planId}: follow task ${update.id}`, () => this.deps.queue.run(planId, () => this.follow(planId)));
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** A draft becomes approved, then running: its tasks are created and handed to the scheduler. */
  approve(planId: string, by: string): Promise<PlanDto> {
    return this.deps.queue.run(planId, async () => {
      const plan = await loadPlan(this.deps, planId);
      if (plan.status !== "draft") throw new DomainError("ILLEGAL_STATE", `plan ${planId} is ${plan.status}; only a draft can be approved`, { status: plan.status });
      await savePlan(this.deps, planId, { status: "approved" });
      await recordEvent(this.deps, { sessionId: plan.sessionId, type: "plan.approved", summary: `approved by ${by}`, payload: { planId, by } });
      const ids = new Map<string, string>();
      const made: PlanTask[] = [];
      // Proposals are stored dependencies first, so every dependency exists before its dependents.
      for (const proposed of plan.tasks) {
        const task = await createTask(this.deps, {
          sessionId: plan.sessionId,
          title: proposed.title,
          prompt: proposed.prompt,
          dependsOn: proposed.dependsOn.map((key) => ids.get(key)!),
          budgetUsd: proposed.budgetUsd,
          agentProfile: proposed.agentProfile ?? DEFAULT_TASK_PROFILE,
          plan: { id: planId, key: proposed.key },
        });
        ids.set(proposed.key, task.id);
        made.push({ ...proposed, taskId: task.id });
      }
      const running = await savePlan(this.deps, planId, { status: "running", tasks: JSON.stringify(made) });
      await recordEvent(this.deps, { sessionId: plan.sessionId, type: "plan.started", summary: `${made.length} tasks created`, payload: { planId, tasks: made.length, round: plan.round } });
      return running;
    });
  }

  /** The operator's answer to a pending decision. */
  decide(planId: string, decision: PlanDecision): Promise<PlanDto> {
    return this.deps.queue.run(planId, async () => {
      const plan = await loadPlan(this.deps, planId);
      if (plan.status !== "running" || !plan.decision) throw new DomainError("ILLEGAL_STATE", `plan ${planId} has no pending decision`, { status: plan.status });
      const pending = plan.decision;
      await recordEvent(this.deps, { sessionId: plan.sessionId, taskId: pending.taskId, type: "plan.decided", summary: `${decision} after "${pending.title}" failed`, payload: { planId, decision, taskId: pending.taskId } });
      if (decision === "retry") return this.retry(plan, pending);
      if (decision === "stop") {
        await this.cancelOpenTasks(plan, "the plan was stopped");
        return this.finish(plan, "failed", `stopped after "${pending.title}" failed: ${pending.error}`);
      }
      return this.replan(plan, pending);
    });
  }

  /** Cancels a plan in any unfinished state: the planner stops, open tasks are cancelled. Runs in the plan's queue. */
  async cancelOpenTasks(plan: PlanDto, reason: string): Promise<void> {
    const open = await this.deps.prisma.task.findMany({ where: { planId: plan.id, status: { in: OPEN_TASK_STATUSES } }, select: { id: true } });
    for (const task of open) await cancelTask(this.deps, { id: task.id, reason });
  }

  /** Ends the plan (done, failed or cancelled) with its spend on the timeline. Runs in the plan's queue. */
  async finish(plan: PlanDto, status: "done" | "failed" | "cancelled", error: string | null): Promise<PlanDto> {
    // The event is committed before the row says finished: whoever sees the status finds it on the timeline.
    const { costUsd } = await loadPlan(this.deps, plan.id);
    await recordEvent(this.deps, {
      sessionId: plan.sessionId,
      type: "plan.finished",
      status,
      summary: `plan ${status}${error ? `: ${error}` : ""}`,
      payload: { planId: plan.id, ...(error ? { error } : {}), costUsd },
    });
    return savePlan(this.deps, plan.id, { status, error, decision: null, finishedAt: new Date() });
  }

  /** After a task of the plan changed: budget, done, or a failure to ask about. Runs in the plan's queue. */
  private async follow(planId: string): Promise<void> {
    const plan = await loadPlan(this.deps, planId);
    if (plan.status !== "running") return;
    if (plan.budgetUsd !== null && plan.costUsd >= plan.budgetUsd) {
      const reason = `plan budget reached: $${plan.costUsd.toFixed(4)} of $${plan.budgetUsd}`;
      await this.cancelOpenTasks(plan, reason);
      await this.finish(plan, "failed", reason);
      return;
    }
    const ids = plan.tasks.flatMap((t) => (t.taskId ? [t.taskId] : []));
    const rows = await this.deps.prisma.task.findMany({ where: { id: { in: ids } } });
    if (rows.length === ids.length && rows.every((t) => t.status === "completed")) {
      await this.finish(plan, "done", null);
      return;
    }
    const failed = rows.find((t) => t.status === "failed" || t.status === "cancelled");
    if (!failed || plan.decision) return;
    const decision: PendingDecision = { taskId: failed.id, title: failed.title, error: failed.error ?? failed.status, askedAt: new Date().toISOString(), options: ["retry", "replan", "stop"] };
    await savePlan(this.deps, planId, { decision: JSON.stringify(decision) });
    await recordEvent(this.deps, {
      sessionId: plan.sessionId,
      taskId: failed.id,
      type: "plan.decision_needed",
      summary: `"${failed.title}" ${failed.status}: retry, replan or stop?`,
      payload: { planId, taskId: failed.id, error: decision.error },
    });
  }

  /** The failed task runs again, on whichever agent is idle (its blocked dependents follow once it completes). */
  private async retry(plan: PlanDto, pending: PendingDecision): Promise<PlanDto> {
    const row = await this.deps.prisma.task.update({ where: { id: pending.taskId }, data: { status: "pending", error: null, finishedAt: null, agentId: null } });
    this.deps.control.publish({ entity: "task", id: row.id, sessionId: row.sessionId, action: "updated", status: row.status, data: taskDto(row) });
    const saved = await savePlan(this.deps, plan.id, { decision: null });
    await this.deps.tasks.schedule(plan.sessionId);
    return saved;
  }

  /** The rest of the plan is given up and planned again, with what finished and what failed. */
  private async replan(plan: PlanDto, pending: PendingDecision): Promise<PlanDto> {
    const saved = await savePlan(this.deps, plan.id, { status: "planning", decision: null, round: plan.round + 1 });
    await this.cancelOpenTasks(plan, "replanned");
    const finished = await this.deps.prisma.task.findMany({ where: { planId: plan.id, status: "completed" }, orderBy: { createdAt: "asc" } });
    this.deps.planner.start(plan.id, { finished: finished.map((t) => ({ title: t.title, result: t.result })), failed: { title: pending.title, error: pending.error } });
    return saved;
  }
}
