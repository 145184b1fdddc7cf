/**
 * The one interface every agent driver implements (claude, acp, shell). The runtime owns state, commands,
 * permissions, budgets and persistence; a driver only talks to its agent and reports what happened.
 */

import type { CatalogueEvent } from "@rozet/vocabulary";
import type { z } from "zod";

/**
 * A normalized event a driver reports (docs/events.md), typed by the event catalogue: a union discriminated by
 * `type`, so a payload of the wrong shape for its type does not compile. The runtime stores it on the timeline.
 */
export type DriverEvent = CatalogueEvent;

export interface PermissionRequest {
  toolName: string;
  input: Record<string, unknown>;
  toolUseId?: string | undefined;
  /** Human-readable reason or prompt sentence the agent gave, if any. */
  reason?: string | undefined;
  /** Agent-specific extras (e.g. Claude's permission suggestions, ACP options), kept for the answer. */
  extra?: Record<string, unknown> | undefined;
}

export type PermissionDecision =
  | { behavior: "allow"; updatedInput?: Record<string, unknown> | undefined }
  | { behavior: "deny"; message: string; interrupt?: boolean | undefined };

/** What the runtime gives a driver. */
export interface DriverHost {
  /** Records an event on the timeline (batched by the writer; never blocks the driver). */
  emit(event: DriverEvent): void;
  /**
   * Asks for a permission: rules answer first, else the operator (or the timeout → deny). The signal aborts
   * when the agent withdraws the request or the turn is cancelled.
   */
  requestPermission(request: PermissionRequest, signal: AbortSignal): Promise<PermissionDecision>;
  /** The driver's process or connection ended without being asked to (crash, kill -9, EOF). */
  exited(reason: string): void;
  /**
   * The running turn's tokens so far (a running total, not stored), reported as the model's usage streams so
   * budgets act mid-turn; the turn's final `usage` event still carries the count that is stored. `turn` names the
   * command it belongs to when that can arrive late (from a runner): a figure of another turn is ignored.
   */
  turnUsage?(tokensSoFar: number, turn?: TurnIds): void;
  /**
   * Usage carried by an event of this agent that reached the timeline without `emit()` (a runner uploads its
   * agents' events through the ingest): counted toward budgets exactly as an emitted event's usage is.
   */
  usageStored?(usage: { costUsd: number | null; inputTokens: number | null; outputTokens: number | null }): void;
  /** Marks the turn as stalled or live again ("no update for N s"); the watchdog calls it too. */
  activity(): void;
  /** Runs work nobody awaits: a failure is logged with the agent, never left floating (absent in bare test hosts). */
  background?: ((label: string, work: () => Promise<unknown>) => void) | undefined;
}

export interface DriverStartInfo {
  /** The agent's own session id (Claude session id, ACP session id) for resume. */
  externalSessionId?: string | undefined;
  processId?: number | undefined;
}

export interface TurnResult {
  status: "completed" | "failed" | "cancelled";
  /** Final text or short outcome for the command's result. */
  result?: string | undefined;
  error?: string | undefined;
}

/** The command (and task) a turn runs. */
export interface TurnIds {
  commandId?: string | undefined;
  taskId?: string | undefined;
}

export interface AgentDriver {
  /** Starts the agent (spawns its process, opens its session). Resolves once it can take a prompt. */
  start(): Promise<DriverStartInfo>;
  /**
   * Runs one turn; resolves when the turn ends (completed, failed or cancelled). Never called concurrently. `turn`
   * names the command (and task) the turn runs, for drivers that put events on the timeline themselves (runners).
   * The turn is registered before `prompt()` returns (no await first), so a `cancel()` right after reaches it.
   */
  prompt(text: string, turn?: TurnIds): Promise<TurnResult>;
  /** Interrupts the running turn; `prompt()` then resolves with status "cancelled". */
  cancel(): Promise<void>;
  /** Switches the permission mode where the agent has one (Claude: default, acceptEdits, plan …). */
  setMode?(mode: string): Promise<void>;
  /** Stops the agent: end its input, wait a grace period, SIGTERM the process group, then SIGKILL. */
  stop(): Promise<void>;
}

/** Everything a driver needs to start one agent. */
export interface DriverContext {
  agentId: string;
  sessionId: string;
  /** Absolute, sandbox-checked working directory (the session workspace or the agent's worktree). */
  cwd: string;
  model?: string | undefined;
  /** Driver-specific settings from the agent's config (profile, command line, env …), already validated. */
  config: Record<string, unknown>;
  /** Extra environment for the agent process (model endpoint, keys), from config and server env. */
  env: Record<string, string>;
  /** Control-room data dir for this agent (e.g. CLAUDE_CONFIG_DIR). */
  dataDir: string;
  /** Resume this external session instead of starting a new one. */
  resumeSessionId?: string | undefined;
  /** What the agent has cost so far: agents that report cumulative totals (Claude on resume) subtract it. */
  priorCostUsd?: number | undefined;
  /** Tools of the control room this agent is given (drivers that cannot offer tools ignore them). */
  tools?: readonly ControlRoomTool[] | undefined;
  host: DriverHost;
}

/**
 * A tool the control room itself offers an agent (e.g. the planner's `submit_plan`), run in the server process.
 * Claude gets it as an in-process MCP server named `rozet` (the model calls `mcp__rozet__<name>`).
 */
export interface ControlRoomTool {
  name: string;
  description: string;
  inputShape: z.ZodRawShape;
  /** Runs the call; the text goes back to the agent as the tool result (an error result when `isError`). */
  run(input: Record<string, unknown>): Promise<{ text: string; isError?: boolean }>;
}

export type DriverFactory = (context: DriverContext) => AgentDriver;
