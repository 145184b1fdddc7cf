import { z } from "zod";
import { idSchema } from "./common.contracts.ts";

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
