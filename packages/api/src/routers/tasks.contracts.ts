import { eventCatalogue, taskStatuses } from "@rozet/vocabulary";
import { z } from "zod";
import { agentConfigSchema } from "./agents.contracts.ts";
import { runnerLabelSchema, type TaskDto } from "@rozet/orchestrator";
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
    .object({
      driver: z.enum(["claude", "acp", "shell"]),
      model: z.string().min(1).max(120).optional(),
      config: agentConfigSchema.optional(),
      /** Start the agent on a runner with this label; the task also goes only to agents on such runners. */
      runnerLabel: runnerLabelSchema.optional(),
    })
    .optional(),
});
export const listTasksInput = z.object({
  sessionId: idSchema,
  status: z.enum(taskStatuses).optional(),
});
export const taskIdInput = z.object({ id: idSchema });
export const resolveConflictInput = z.object({
  sessionId: scopingSessionId,
  id: idSchema,
  /** resolved: fixed by hand in the worktree, start the task; agent: start it with "resolve the conflict first"; cancel: abort the merge and cancel. */
  resolution: z.enum(["resolved", "agent", "cancel"]),
});
export const addArtifactInput = z.object({
  sessionId: scopingSessionId,
  id: idSchema,
  name: z.string().trim().min(1).max(200),
  /** A file in the session's workspace (relative to it, or absolute inside it; agents' worktrees are inside it). */
  path: z.string().min(1).max(4_096),
  mimeType: z.string().min(1).max(200).optional(),
});
export const artifactOutput = z.object({
  id: z.string(),
  taskId: z.string(),
  name: z.string(),
  path: z.string(),
  mimeType: z.string().nullable(),
  size: z.number().int(),
  createdAt: isoTime,
});
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
  /** The plan that made the task, and the task's key in it (docs/planning.md). */
  planId: z.string().nullable(),
  planKey: z.string().nullable(),
  attempts: z.number().int(),
  budgetUsd: z.number().nullable(),
  budgetTokens: z.number().int().nullable(),
  costUsd: z.number(),
  tokens: z.number().int(),
  result: z.string().nullable(),
  error: z.string().nullable(),
  /** The agent's branch the task's work was committed on (own worktree), HEAD when it started, its work's commit. */
  branch: z.string().nullable(),
  baseCommit: z.string().nullable(),
  headCommit: z.string().nullable(),
  /** Set while the task is stopped on a merge of upstream work (see the `task.merge_conflict` event). */
  mergeConflict: eventCatalogue["task.merge_conflict"].payload
    .omit({ raw: true, parentToolUseId: true })
    .extend({ resolution: z.literal("agent").optional() })
    .nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  finishedAt: isoTime.nullable(),
}) satisfies z.ZodType<TaskDto>;
