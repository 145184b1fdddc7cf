import { z } from "zod";
import type { PermissionDto, PermissionRuleDto } from "@rozet/orchestrator";
import { idSchema, isoTime } from "./common.contracts.ts";

export const listPermissionsInput = z
  .object({
    sessionId: idSchema.optional(),
    status: z.enum(["pending", "allowed", "denied", "timed_out", "cancelled"]).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .default({ limit: 100 });
export const addRuleInput = z.object({
  sessionId: idSchema,
  /** Exact tool name (Bash, Edit, Write …) or "*". */
  tool: z.string().min(1).max(100),
  /** Glob over the tool's file path or command line (`*` matches anything); omit for any. */
  pattern: z.string().min(1).max(1_000).nullish(),
  action: z.enum(["allow", "deny", "ask"]),
});
export const sessionRulesInput = z.object({ sessionId: idSchema });
export const ruleIdInput = z.object({ id: idSchema });

export const permissionOutput = z.object({
  id: z.string(),
  sessionId: z.string(),
  agentId: z.string(),
  commandId: z.string().nullable(),
  toolName: z.string(),
  input: z.record(z.string(), z.unknown()),
  toolUseId: z.string().nullable(),
  reason: z.string().nullable(),
  status: z.enum(["pending", "allowed", "denied", "timed_out", "cancelled"]),
  /** The answer as given to the agent (edited input, message). */
  decision: z.record(z.string(), z.unknown()).nullable(),
  /** "operator", "rule:<id>", "timeout", "agent" (withdrawn) or "session-allow:<tool>". */
  answeredBy: z.string().nullable(),
  createdAt: isoTime,
  answeredAt: isoTime.nullable(),
  expiresAt: isoTime,
}) satisfies z.ZodType<PermissionDto>;

export const permissionRuleOutput = z.object({
  id: z.string(),
  sessionId: z.string(),
  tool: z.string(),
  pattern: z.string().nullable(),
  action: z.enum(["allow", "deny", "ask"]),
  createdBy: z.string(),
  createdAt: isoTime,
}) satisfies z.ZodType<PermissionRuleDto>;
