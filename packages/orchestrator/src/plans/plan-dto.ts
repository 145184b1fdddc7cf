import type { Models } from "@rozet/db";
import type { PlanDecision, PlanStatus, ProposedTask } from "@rozet/vocabulary";

/** A proposed task as the plan keeps it: once the plan runs, the id of the task made from it. */
export type PlanTask = ProposedTask & { taskId?: string | undefined };

/** A proposal the control room refused back to the planner (or the last one, that failed the plan). */
export interface PlanRefusal {
  at: string;
  round: number;
  reason: string;
}

/** A task of the running plan failed; the coordinator waits for the operator. */
export interface PendingDecision {
  taskId: string;
  title: string;
  error: string;
  askedAt: string;
  options: PlanDecision[];
}

/** `costUsd`: what the plan's tasks have cost so far, all rounds together. */
export function planDto(row: Models.PlanModel, costUsd: number) {
  return {
    id: row.id,
    sessionId: row.sessionId,
    goal: row.goal,
    constraints: row.constraints,
    budgetUsd: row.budgetUsd,
    costUsd,
    status: row.status as PlanStatus,
    plannerProfile: JSON.parse(row.plannerProfile) as PlannerProfile,
    plannerAgentId: row.plannerAgentId,
    tasks: JSON.parse(row.tasks) as PlanTask[],
    refusals: JSON.parse(row.refusals) as PlanRefusal[],
    maxRefusals: row.maxRefusals,
    round: row.round,
    decision: row.decision ? (JSON.parse(row.decision) as PendingDecision) : null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export interface PlannerProfile {
  driver: "claude" | "acp" | "shell";
  model?: string | undefined;
  config?: Record<string, unknown> | undefined;
}

export type PlanDto = ReturnType<typeof planDto>;
