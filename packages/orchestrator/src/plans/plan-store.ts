import { notFound } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";
import { planDto, type PlanDto } from "./plan-dto.ts";

export type PlanStoreDeps = Pick<Stores, "prisma" | "control">;
type PlanUpdate = Parameters<Stores["prisma"]["plan"]["update"]>[0]["data"];

export async function loadPlan(deps: Pick<Stores, "prisma">, id: string): Promise<PlanDto> {
  const row = await deps.prisma.plan.findUnique({ where: { id } });
  if (!row) throw notFound("plan", id);
  return planDto(row, await planSpend(deps, id));
}

/** Stores a change of the plan and publishes the plan as it is now on the control feed. */
export async function savePlan(deps: PlanStoreDeps, id: string, data: PlanUpdate): Promise<PlanDto> {
  const dto = planDto(await deps.prisma.plan.update({ where: { id }, data }), await planSpend(deps, id));
  deps.control.publish({ entity: "plan", id, sessionId: dto.sessionId, action: "updated", status: dto.status, data: dto });
  return dto;
}

/** What the plan's tasks have cost, every round together. */
export async function planSpend(deps: Pick<Stores, "prisma">, planId: string): Promise<number> {
  const sum = await deps.prisma.task.aggregate({ where: { planId }, _sum: { costUsd: true } });
  return sum._sum.costUsd ?? 0;
}

/** Runs work for one plan after the work queued before it (submissions, task updates and decisions never interleave). */
export class PlanQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(planId: string, work: () => Promise<T>): Promise<T> {
    const next = (this.tails.get(planId) ?? Promise.resolve()).then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(planId, tail);
    const forget = () => {
      if (this.tails.get(planId) === tail) this.tails.delete(planId);
    };
    tail.then(forget, forget);
    return next;
  }
}
