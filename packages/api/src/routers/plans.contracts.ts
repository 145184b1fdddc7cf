import { planAgentProfileSchema, planDecisions, planStatuses, proposedTaskSchema } from "@rozet/vocabulary";
import { z } from "zod";
import type { PlanDto } from "@rozet/orchestrator";
import { agentConfigSchema } from "./agents.contracts.ts";
import { idSchema, isoTime, scopingSessionId } from "./common.contracts.ts";

const usd = z.number().finite().positive().max(100_000);

/** A proposed task as the API takes it: the agent profile's config is checked like agent.create's. */
const planTaskInput = proposedTaskSchema.extend({ agentProfile: planAgentProfileSchema.extend({ config: agentConfigSchema.optional() }).optional() });

export const createPlanInput = z.object({
  sessionId: idSchema,
  goal: z.string().trim().min(1).max(20_000),
  constraints: z.string().trim().min(1).max(20_000).optional(),
  /** All the plan's tasks together may spend this much (USD). */
  budgetUsd: usd.optional(),
  /** The planner agent (default: Claude). It runs read-only. */
  profile: z.object({ driver: z.enum(["claude", "acp", "shell"]), model: z.string().min(1).max(120).optional(), config: agentConfigSchema.optional() }).optional(),
  /** Invalid proposals refused back to the planner before the plan fails (default 3). */
  maxRefusals: z.number().int().min(0).max(10).optional(),
});
export const listPlansInput = z.object({ sessionId: idSchema, status: z.enum(planStatuses).optional() });
export const planIdInput = z.object({ id: idSchema });
export const scopedPlanInput = z.object({ sessionId: scopingSessionId, id: idSchema });
export const updatePlanInput = scopedPlanInput.extend({
  /** The whole task list as it should be (dependencies by key); validated like a proposal. */
  tasks: z.array(planTaskInput).max(50).optional(),
  /** null removes the plan's budget. */
  budgetUsd: usd.nullable().optional(),
});
export const decidePlanInput = scopedPlanInput.extend({ decision: z.enum(planDecisions) });

const planTaskOutput = z.object({
  key: z.string(),
  title: z.string(),
  prompt: z.string(),
  dependsOn: z.array(z.string()),
  agentProfile: z.object({ driver: z.enum(["claude", "acp", "shell"]), model: z.string().optional(), config: z.record(z.string(), z.unknown()).optional() }).optional(),
  budgetUsd: z.number().optional(),
  touches: z.array(z.string()),
  /** The task made from it once the plan runs. */
  taskId: z.string().optional(),
});

export const planOutput = z.object({
  id: z.string(),
  sessionId: z.string(),
  goal: z.string(),
  constraints: z.string().nullable(),
  budgetUsd: z.number().nullable(),
  /** What the plan's tasks have cost so far (every round). */
  costUsd: z.number(),
  status: z.enum(planStatuses),
  plannerProfile: z.object({ driver: z.enum(["claude", "acp", "shell"]), model: z.string().optional(), config: z.record(z.string(), z.unknown()).optional() }),
  plannerAgentId: z.string().nullable(),
  tasks: z.array(planTaskOutput),
  refusals: z.array(z.object({ at: isoTime, round: z.number().int(), reason: z.string() })),
  maxRefusals: z.number().int(),
  round: z.number().int(),
  decision: z
    .object({ taskId: z.string(), title: z.string(), error: z.string(), askedAt: isoTime, options: z.array(z.enum(planDecisions)) })
    .nullable(),
  error: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  finishedAt: isoTime.nullable(),
}) satisfies z.ZodType<PlanDto>;
