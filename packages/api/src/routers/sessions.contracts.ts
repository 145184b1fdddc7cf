import { z } from "zod";
import type { listSessions, sessionMetrics, sessionOverview, SessionDto } from "@rozet/orchestrator";
import { idSchema, isoTime, nameSchema, printable } from "./common.contracts.ts";

export const createSessionInput = z.object({
  name: nameSchema,
  /** Folder for the session's agents, relative to (or inside) the workspaces root. Default: a new folder. */
  workspace: printable(1024).min(1).optional(),
  /** Plans of this session start as soon as their proposal is valid, without waiting for plan.approve. */
  autoApprovePlans: z.boolean().optional(),
});
export const listSessionsInput = z
  .object({ status: z.enum(["active", "archived"]).optional(), limit: z.number().int().min(1).max(500).default(100) })
  .default({ limit: 100 });
export const sessionIdInput = z.object({ id: idSchema });
export const updateSessionInput = z.object({
  id: idSchema,
  /** Plans of this session start as soon as their proposal is valid (from the next proposal on). */
  autoApprovePlans: z.boolean(),
});

export const sessionOutput = z.object({
  id: z.string(),
  name: z.string(),
  externalKey: z.string().nullable(),
  workspaceRoot: z.string().nullable(),
  status: z.enum(["active", "archived"]),
  autoApprovePlans: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
}) satisfies z.ZodType<SessionDto>;

/** Totals of a session, or of all of them. */
const totalsShape = {
  agents: z.number().int(),
  activeAgents: z.number().int(),
  events: z.number().int(),
  costUsd: z.number(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  /** Finished tool calls that succeeded, 0..1; null until a tool has finished. */
  toolSuccessRate: z.number().min(0).max(1).nullable(),
};

/** A session with its live totals, as the sessions list shows it. */
export const sessionListItemOutput = sessionOutput.extend({
  ...totalsShape,
  /** When the newest event was received (ms since the epoch), null before the first. */
  lastEventAt: z.number().nullable(),
}) satisfies z.ZodType<Awaited<ReturnType<typeof listSessions>>[number]>;

export const sessionMetricsOutput = z.object({
  sessionId: z.string(),
  agentsByStatus: z.record(z.string(), z.number().int()),
  tasksByStatus: z.record(z.string(), z.number().int()),
  events: z.number().int(),
  costUsd: z.number(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  toolCalls: z.number().int(),
  toolFailures: z.number().int(),
  toolSuccessRate: z.number().min(0).max(1).nullable(),
}) satisfies z.ZodType<Awaited<ReturnType<typeof sessionMetrics>>>;

/** Totals over every session (archived ones included) and the sessions themselves, newest first. */
export const sessionOverviewOutput = z.object({
  totals: z.object({
    sessions: z.number().int(),
    activeSessions: z.number().int(),
    ...totalsShape,
    toolCalls: z.number().int(),
  }),
  sessions: z.array(sessionListItemOutput),
}) satisfies z.ZodType<Awaited<ReturnType<typeof sessionOverview>>>;
