import { action, json, query } from "@solidjs/router";
import type { PlanCreateInput, PlanDecision, PlanUpdateInput } from "../../api/types.ts";
import { timedCommand } from "../../lib/telemetry.ts";
import { dataApi } from "../../providers/api.tsx";

/** The session's plans, newest first (kept current by control updates, entity "plan"). */
export const getPlans = query((sessionId: string) => dataApi().plan.list.query({ sessionId }), "plans");

/** One plan by id, for naming it (the inspector's Plan row). */
export const getPlan = query((id: string) => dataApi().plan.get.query({ id }), "plan");

export const createPlan = action(async (input: PlanCreateInput) => {
  const api = dataApi();
  const plan = await timedCommand(api, "plan.create", () => api.plan.create.mutate(input));
  return json(plan, { revalidate: getPlans.keyFor(input.sessionId) });
}, "plan.create");

/** A draft's whole task list and budget, as edited (the server validates it like a proposal). */
export const updatePlan = action(async (input: PlanUpdateInput & { sessionId: string }) => {
  const api = dataApi();
  const plan = await timedCommand(api, "plan.update", () => api.plan.update.mutate(input));
  return json(plan, { revalidate: getPlans.keyFor(input.sessionId) });
}, "plan.update");

export const approvePlan = action(async (input: { sessionId: string; id: string }) => {
  const api = dataApi();
  const plan = await timedCommand(api, "plan.approve", () => api.plan.approve.mutate(input));
  return json(plan, { revalidate: getPlans.keyFor(input.sessionId) });
}, "plan.approve");

/** After a task of a running plan failed: retry it, replan the rest, or stop. */
export const decidePlan = action(async (input: { sessionId: string; id: string; decision: PlanDecision }) => {
  const api = dataApi();
  const plan = await timedCommand(api, "plan.decide", () => api.plan.decide.mutate(input));
  return json(plan, { revalidate: getPlans.keyFor(input.sessionId) });
}, "plan.decide");

export const cancelPlan = action(async (input: { sessionId: string; id: string }) => {
  const api = dataApi();
  const plan = await timedCommand(api, "plan.cancel", () => api.plan.cancel.mutate(input));
  return json(plan, { revalidate: getPlans.keyFor(input.sessionId) });
}, "plan.cancel");
