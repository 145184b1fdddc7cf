import { DomainError, FINISHED_PLAN_STATUSES, newId, type PlanDecision, type ProposedTask } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";
import { getSession, requireSession } from "../sessions.ts";
import { recordEvent } from "../timeline.ts";
import type { PlanCoordinator } from "./coordinator.ts";
import { planDto, type PlannerProfile } from "./plan-dto.ts";
import { loadPlan, planSpend, savePlan, type PlanQueue } from "./plan-store.ts";
import { validateProposal } from "./plan-validation.ts";
import type { Planner } from "./planner.ts";

/** What the plan functions use: the plan rows, the planner and the coordinator (docs/planning.md). */
export interface PlanDeps extends Pick<Stores, "prisma" | "control" | "writer"> {
  plans: { planner: Pick<Planner, "start" | "stopPlanner">; coordinator: Pick<PlanCoordinator, "approve" | "decide" | "cancelOpenTasks" | "finish">; queue: PlanQueue };
}

const DEFAULT_PLANNER: PlannerProfile = { driver: "claude" };

/** Stores the plan (planning) and starts its planner agent in the background. */
export async function createPlan(
  deps: PlanDeps,
  input: { sessionId: string; goal: string; constraints?: string | undefined; budgetUsd?: number | undefined; profile?: PlannerProfile | undefined; maxRefusals?: number | undefined },
) {
  const session = await getSession(deps, { id: input.sessionId });
  if (session.status === "archived") throw new DomainError("ILLEGAL_STATE", `session ${session.id} is archived`);
  if (!session.workspaceRoot) throw new DomainError("ILLEGAL_STATE", `session ${session.id} has no workspace for a planner (it was created by hooks or events)`, { sessionId: session.id });
  if (input.profile?.driver === "shell") {
    // Its every prompt is a command line: nothing can keep it from writing.
    throw new DomainError("INVALID_INPUT", "profile.driver: a shell planner cannot be made read-only (any command line may write); plan with claude or acp", { field: "profile" });
  }
  const row = await deps.prisma.plan.create({
    data: {
      id: newId(),
      sessionId: input.sessionId,
      goal: input.goal,
      constraints: input.constraints ?? null,
      budgetUsd: input.budgetUsd ?? null,
      plannerProfile: JSON.stringify(input.profile ?? DEFAULT_PLANNER),
      maxRefusals: input.maxRefusals ?? 3,
      round: 1,
    },
  });
  const dto = planDto(row, 0);
  deps.control.publish({ entity: "plan", id: dto.id, sessionId: dto.sessionId, action: "created", status: dto.status, data: dto });
  await recordEvent(deps, { sessionId: dto.sessionId, type: "plan.created", summary: dto.goal.slice(0, 300), payload: { planId: dto.id, goal: dto.goal, budgetUsd: dto.budgetUsd, round: 1 } });
  deps.plans.planner.start(dto.id);
  return dto;
}

export function getPlan(deps: Pick<Stores, "prisma">, input: { id: string }) {
  return loadPlan(deps, input.id);
}

/** A session's plans, newest first. */
export async function listPlans(deps: Pick<Stores, "prisma">, input: { sessionId: string; status?: string | undefined }) {
  await requireSession(deps, input.sessionId);
  const rows = await deps.prisma.plan.findMany({ where: { sessionId: input.sessionId, ...(input.status ? { status: input.status } : {}) }, orderBy: { createdAt: "desc" } });
  return Promise.all(rows.map(async (row) => planDto(row, await planSpend(deps, row.id))));
}

/** The operator edits a draft: its tasks (dependencies, budgets, prompts …) and budget, validated like a proposal. */
export function updatePlan(deps: PlanDeps, input: { id: string; tasks?: ProposedTask[] | undefined; budgetUsd?: number | null | undefined }) {
  return deps.plans.queue.run(input.id, async () => {
    const plan = await loadPlan(deps, input.id);
    if (plan.status !== "draft") throw new DomainError("ILLEGAL_STATE", `plan ${plan.id} is ${plan.status}; only a draft can be edited`, { status: plan.status });
    const budgetUsd = input.budgetUsd === undefined ? plan.budgetUsd : input.budgetUsd;
    const verdict = validateProposal(input.tasks ?? plan.tasks, budgetUsd);
    if (!verdict.ok) throw new DomainError("INVALID_INPUT", `tasks: ${verdict.reason}`, { field: "tasks", reason: verdict.reason });
    const saved = await savePlan(deps, plan.id, { tasks: JSON.stringify(verdict.tasks), budgetUsd });
    await recordEvent(deps, { sessionId: plan.sessionId, type: "plan.updated", summary: `draft edited: ${verdict.tasks.length} tasks`, payload: { planId: plan.id, tasks: verdict.tasks.length } });
    return saved;
  });
}

export function approvePlan(deps: PlanDeps, input: { id: string }) {
  return deps.plans.coordinator.approve(input.id, "operator");
}

export function decidePlan(deps: PlanDeps, input: { id: string; decision: PlanDecision }) {
  return deps.plans.coordinator.decide(input.id, input.decision);
}

/** Cancels a plan that has not finished: its planner stops, its open tasks are cancelled. */
export function cancelPlan(deps: PlanDeps, input: { id: string }) {
  return deps.plans.queue.run(input.id, async () => {
    const plan = await loadPlan(deps, input.id);
    if (FINISHED_PLAN_STATUSES.has(plan.status)) throw new DomainError("ILLEGAL_STATE", `plan ${plan.id} is already ${plan.status}`, { status: plan.status });
    const cancelled = await deps.plans.coordinator.finish(plan, "cancelled", "cancelled by the operator");
    await deps.plans.planner.stopPlanner(plan);
    await deps.plans.coordinator.cancelOpenTasks(plan, "the plan was cancelled");
    return cancelled;
  });
}

/** Plans a previous server left planning cannot go on (their planner agents died with it): they fail, saying so. */
export async function failInterruptedPlanning(deps: Pick<Stores, "prisma">): Promise<void> {
  await deps.prisma.plan.updateMany({ where: { status: "planning" }, data: { status: "failed", error: "the server restarted while the planner was working", finishedAt: new Date() } });
}

