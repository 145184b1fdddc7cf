import { approvePlan, cancelPlan, createPlan, decidePlan, getPlan, listPlans, updatePlan, type ControlRoom } from "@rozet/orchestrator";
import { notFound } from "@rozet/vocabulary";
import { z } from "zod";
import { controlProcedure, router } from "../trpc.ts";
import { sessionMustExist } from "./must-exist.ts";
import { createPlanInput, decidePlanInput, listPlansInput, planIdInput, planOutput, scopedPlanInput, updatePlanInput } from "./plans.contracts.ts";

const tags = ["plans"];

/** A plan named under a session (REST paths) that belongs to another one is not found there. */
async function planMustBeInSession(room: ControlRoom, id: string, sessionId: string | undefined): Promise<void> {
  if (sessionId === undefined) return;
  await sessionMustExist(room, sessionId);
  if ((await getPlan(room, { id })).sessionId !== sessionId) throw notFound("plan", `${id} in session ${sessionId}`);
}

export const planRouter = router({
  create: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/plans", tags, summary: "Turn a goal into a plan: starts a read-only planner agent" } })
    .input(createPlanInput)
    .output(planOutput)
    .mutation(({ ctx, input }) => createPlan(ctx.room, input)),
  list: controlProcedure
    .meta({ openapi: { method: "GET", path: "/api/sessions/{sessionId}/plans", tags, summary: "A session's plans, newest first" } })
    .input(listPlansInput)
    .output(z.array(planOutput))
    .query(({ ctx, input }) => listPlans(ctx.room, input)),
  get: controlProcedure
    .meta({ openapi: { method: "GET", path: "/api/plans/{id}", tags, summary: "One plan" } })
    .input(planIdInput)
    .output(planOutput)
    .query(({ ctx, input }) => getPlan(ctx.room, input)),
  update: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/plans/{id}/update", tags, summary: "Edit a draft plan's tasks, dependencies and budgets (validated like a proposal)" } })
    .input(updatePlanInput)
    .output(planOutput)
    .mutation(async ({ ctx, input }) => {
      await planMustBeInSession(ctx.room, input.id, input.sessionId);
      return updatePlan(ctx.room, input);
    }),
  approve: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/plans/{id}/approve", tags, summary: "Approve a draft: its tasks are created and run" } })
    .input(scopedPlanInput)
    .output(planOutput)
    .mutation(async ({ ctx, input }) => {
      await planMustBeInSession(ctx.room, input.id, input.sessionId);
      return approvePlan(ctx.room, input);
    }),
  decide: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/plans/{id}/decide", tags, summary: "After a task failed: retry it, replan the rest, or stop" } })
    .input(decidePlanInput)
    .output(planOutput)
    .mutation(async ({ ctx, input }) => {
      await planMustBeInSession(ctx.room, input.id, input.sessionId);
      return decidePlan(ctx.room, input);
    }),
  cancel: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/plans/{id}/cancel", tags, summary: "Cancel a plan (its planner stops, its open tasks are cancelled)" } })
    .input(scopedPlanInput)
    .output(planOutput)
    .mutation(async ({ ctx, input }) => {
      await planMustBeInSession(ctx.room, input.id, input.sessionId);
      return cancelPlan(ctx.room, input);
    }),
});
