/**
 * A session's plans for the Plans view, kept current from `control.onUpdate` (entity "plan", whose `data` is the
 * whole plan as `plan.get` answers it). Pure.
 */
import { FINISHED_PLAN_STATUSES, type PlanStatus } from "@rozet/vocabulary";
import type { ControlUpdate, Plan } from "../api/types.ts";

export type ListedPlan = Pick<Plan, "id" | "sessionId" | "status" | "createdAt" | "updatedAt" | "tasks">;

function isPlanRow<T extends ListedPlan>(value: unknown, id: string): value is T {
  if (!value || typeof value !== "object") return false;
  const row = value as Record<string, unknown>;
  return row.id === id && typeof row.sessionId === "string" && typeof row.status === "string" && typeof row.createdAt === "string" && Array.isArray(row.tasks);
}

/** Newest first, as `plan.list` answers. */
const newestFirst = <T extends ListedPlan>(a: T, b: T) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0);

export function applyPlanUpdate<T extends ListedPlan>(plans: readonly T[], update: ControlUpdate, sessionId: string): { plans: T[]; refetch: boolean } {
  const unchanged = { plans: plans as T[], refetch: false };
  if (update.entity !== "plan" || update.sessionId !== sessionId) return unchanged;
  const index = plans.findIndex((p) => p.id === update.id);
  if (update.action === "deleted") return index === -1 ? unchanged : { plans: plans.filter((p) => p.id !== update.id), refetch: false };
  if (!isPlanRow<T>(update.data, update.id)) return { plans: plans as T[], refetch: true };
  const row = update.data;
  // An update older than what is held (they can cross a re-read) changes nothing.
  if (index !== -1 && plans[index]!.updatedAt > row.updatedAt) return unchanged;
  return { plans: index === -1 ? [...plans, row].sort(newestFirst) : plans.map((p, i) => (i === index ? row : p)), refetch: false };
}

/** A re-read can be older than live updates applied while it was on its way: keep the newer row of each plan. */
export function mergeFetchedPlans<T extends ListedPlan>(current: readonly T[], fetched: readonly T[]): T[] {
  const live = new Map(current.map((plan) => [plan.id, plan]));
  return fetched.map((row) => {
    const mine = live.get(row.id);
    return mine && mine.updatedAt > row.updatedAt ? mine : row;
  });
}

export function planFinished(status: PlanStatus): boolean {
  return FINISHED_PLAN_STATUSES.has(status);
}
