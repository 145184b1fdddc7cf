/**
 * Plans (docs/planning.md): what a planner proposes and the statuses a plan goes through. The planner's
 * `submit_plan` tool, the API's `plan.update` and the coordinator all read proposals with these schemas.
 */
import { z } from "zod";

export const planStatuses = ["planning", "draft", "approved", "running", "done", "failed", "cancelled"] as const;
export type PlanStatus = (typeof planStatuses)[number];
export const FINISHED_PLAN_STATUSES: ReadonlySet<PlanStatus> = new Set(["done", "failed", "cancelled"]);

/** What the coordinator may be told after a task of a running plan failed. */
export const planDecisions = ["retry", "replan", "stop"] as const;
export type PlanDecision = (typeof planDecisions)[number];

const planKey = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a key is letters, digits, _ . - (e.g. api-tests)");

/** The agent a task of the plan is given when no agent is idle (the task's `agentProfile`). */
export const planAgentProfileSchema = z.object({
  driver: z.enum(["claude", "acp", "shell"]),
  model: z.string().min(1).max(120).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

/** One task of a proposal. `dependsOn` names other tasks of the same plan by their `key`. */
export const proposedTaskSchema = z.object({
  key: planKey.describe("Short unique key of this task in the plan, e.g. api or tests"),
  title: z.string().trim().min(1).max(200).describe("One-line title"),
  prompt: z.string().trim().min(1).max(100_000).describe("The full instruction the agent doing this task receives"),
  dependsOn: z.array(planKey).max(100).default([]).describe("Keys of the tasks that must be done first"),
  agentProfile: planAgentProfileSchema.optional().describe("Which agent does it: { driver: claude | acp | shell, model?, config? }"),
  budgetUsd: z.number().finite().positive().max(100_000).optional().describe("Spending cap for this task in USD"),
  touches: z.array(z.string().trim().min(1).max(300)).max(100).default([]).describe("Files or areas the task changes"),
});
export type ProposedTask = z.output<typeof proposedTaskSchema>;

/** A whole proposal: the planner's `submit_plan` input (and the JSON a planner without tools answers with). */
export const proposalShape = {
  tasks: z.array(proposedTaskSchema).max(50).describe("The tasks, in any order; dependencies by key"),
};
export const proposalSchema = z.object(proposalShape);
