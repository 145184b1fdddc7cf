import { agentDrivers, driverConfigShape, runnerLabelSchema, type AgentDto, type CommandDto } from "@rozet/orchestrator";
import { commandStatuses } from "@rozet/vocabulary";
import { z } from "zod";
import { idSchema, isoTime, jsonObjectSchema, nameSchema, scopingSessionId } from "./common.contracts.ts";
import { fullEventOutput } from "./events.contracts.ts";
import { permissionOutput } from "./permissions.contracts.ts";

const idempotencyKey = z.string().min(8).max(128).regex(/^[A-Za-z0-9._:-]+$/, "letters, digits and . _ : - only").optional();
const usd = z.number().finite().positive().max(100_000);
const tokens = z.number().int().positive().max(1_000_000_000);

/**
 * Agent settings: each driver's own settings (derived from the drivers' schemas, `driverConfigShape`) plus the
 * runtime's. Unknown keys are refused so a typo does not silently change nothing.
 */
export const agentConfigSchema = z
  .object({
    ...driverConfigShape,
    /** Give the agent its own git worktree and branch (git workspaces only). */
    worktree: z.boolean().optional(),
    /** Extra environment for the agent process: model endpoint, keys. */
    env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "environment names are UPPER_SNAKE_CASE"), z.string().max(8_192)).optional(),
  })
  .strict();

export const createAgentInput = z.object({
  sessionId: idSchema,
  name: nameSchema,
  driver: z.enum(agentDrivers),
  model: z.string().min(1).max(120).optional(),
  config: agentConfigSchema.optional(),
  budgetUsd: usd.optional(),
  budgetTokens: tokens.optional(),
  /** Run on a remote runner with this label (`rozet runner --label`; runners without one serve `default`). */
  runnerLabel: runnerLabelSchema.optional(),
}).refine((input) => input.driver !== "acp" || input.config?.profile !== undefined, {
  message: "an acp agent needs config.profile (claude, codex, gemini, opencode or custom)",
  path: ["config", "profile"],
});
export const agentCommandInput = z.object({
  sessionId: scopingSessionId,
  agentId: idSchema,
  /** The prompt (Claude, ACP) or command line (shell). */
  text: z.string().min(1).max(100_000),
  idempotencyKey,
});
export const agentControlInput = z.object({ sessionId: scopingSessionId, agentId: idSchema, idempotencyKey });
export const agentModeInput = z.object({ agentId: idSchema, mode: z.enum(["default", "acceptEdits", "plan"]), idempotencyKey });
/** Each limit: a number sets it, `null` removes it, left out keeps it as it is. At least one must be given. */
export const agentBudgetInput = z
  .object({ agentId: idSchema, usd: usd.nullable().optional(), tokens: tokens.nullable().optional() })
  .refine((input) => input.usd !== undefined || input.tokens !== undefined, { message: "give usd or tokens (null removes a limit)", path: ["usd"] });
export const respondPermissionInput = z.object({
  requestId: idSchema,
  answer: z.discriminatedUnion("behavior", [
    z.object({
      behavior: z.literal("allow"),
      /** Run the tool with this input instead of the requested one (allow with edits). */
      updatedInput: jsonObjectSchema.optional(),
      /** Also allow this tool for the rest of the session (adds an allow rule). */
      forSession: z.boolean().optional(),
    }),
    z.object({ behavior: z.literal("deny"), message: z.string().max(2_000).optional(), interrupt: z.boolean().optional() }),
  ]),
  idempotencyKey,
});
export const agentCommandsInput = z.object({
  agentId: idSchema,
  limit: z.number().int().min(1).max(500).default(100),
  /** ISO time: commands created before it (paging back). */
  before: z.iso.datetime({ offset: true }).optional(),
});
export const listAgentsInput = z.object({ sessionId: idSchema });
export const agentIdInput = z.object({ id: idSchema });

export const agentOutput = z.object({
  id: z.string(),
  sessionId: z.string(),
  name: z.string(),
  /** claude, acp, shell, or external (reported by hooks: observed, not driven). */
  driver: z.string(),
  model: z.string().nullable(),
  status: z.string(),
  config: z.record(z.string(), z.unknown()),
  processId: z.number().int().nullable(),
  externalSessionId: z.string().nullable(),
  costUsd: z.number(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  lastError: z.string().nullable(),
  budgetUsd: z.number().nullable(),
  budgetTokens: z.number().int().nullable(),
  lastEventAt: isoTime.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
}) satisfies z.ZodType<AgentDto>;

export const commandOutput = z.object({
  id: z.string(),
  agentId: z.string(),
  kind: z.enum(["prompt", "interrupt", "stop", "permission", "mode"]),
  input: z.record(z.string(), z.unknown()),
  status: z.enum(commandStatuses),
  result: z.string().nullable(),
  error: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  taskId: z.string().nullable(),
  /** Who sent it: `token:<name>` for API calls, `task:<id>` for task runs. */
  issuedBy: z.string().nullable(),
  createdAt: isoTime,
  acceptedAt: isoTime.nullable(),
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
}) satisfies z.ZodType<CommandDto>;

/** The answer's command and the permission request as it now stands. */
export const respondPermissionOutput = z.object({ command: commandOutput, permission: permissionOutput });

/** One command's run log: the command with its session and agent name, and a page of its events with payloads. */
export const runLogOutput = z.object({
  command: commandOutput.extend({ sessionId: z.string(), agentName: z.string() }),
  events: z.array(fullEventOutput),
  hasMore: z.boolean(),
  /** Ask for the next page (or what arrives later) with this as `after`. */
  nextAfter: z.number().int(),
});
