import { taskStatuses } from "@rozet/vocabulary";
import { z } from "zod";
import { agentConfigSchema } from "./agents.contracts.ts";
import type { TaskDto } from "@rozet/orchestrator";
import { idSchema, isoTime, scopingSessionId } from "./common.contracts.ts";

export const createTaskInput = z.object({
  sessionId: idSchema,
  title: z.string().trim().min(1).max(200),
  prompt: z.string().min(1).max(100_000),
  agentId: idSchema.optional(),
  parentId: idSchema.optional(),
  dependsOn: z.array(idSchema).max(100).default([]),
  /** Stop the task's work when it has cost this much (USD) or used this many tokens. */
  budgetUsd: z.number().finite().positive().max(100_000).optional(),
  budgetTokens: z.number().int().positive().max(1_000_000_000).optional(),
  /** When no agent is named and none is idle, start one like this for the task. */
  agentProfile: z
    .object({ driver: z.enum(["claude", "acp", "shell"]), model: z.string().min(1).max(120).optional(), config: agentConfigSchema.optional() })
    .optional(),
});
export const listTasksInput = z.object({
  sessionId: idSchema,
  status: z.enum(taskStatuses).optional(),
});
export const taskIdInput = z.object({ id: idSchema });
export const cancelTaskInput = z.object({ sessionId: scopingSessionId, id: idSchema, reason: z.string().max(1_000).optional() });

export const taskOutput = z.object({
  id: z.string(),
  sessionId: z.string(),
  title: z.string(),
  prompt: z.string(),
  status: z.enum(taskStatuses),
  agentId: z.string().nullable(),
  parentId: z.string().nullable(),
  dependsOn: z.array(z.string()),
  attempts: z.number().int(),
  budgetUsd: z.number().nullable(),
  budgetTokens: z.number().int().nullable(),
  costUsd: z.number(),
  tokens: z.number().int(),
  result: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  finishedAt: isoTime.nullable(),
}) satisfies z.ZodType<TaskDto>;
