/** Status sets shared by the domain, the API contracts and the page: one list each, never repeated. */

export const agentStatuses = [
  "starting",
  "idle",
  "busy",
  "waiting-for-permission",
  "paused",
  "stopping",
  "stopped",
  "failed",
  "lost",
  /** A hook-reported agent whose Claude session ended (observed, never driven by us). */
  "ended",
] as const;
export type AgentStatus = (typeof agentStatuses)[number];

/** Statuses in which a process of ours is (or should be) running. */
export const LIVE_AGENT_STATUSES: ReadonlySet<AgentStatus> = new Set(["starting", "idle", "busy", "waiting-for-permission", "paused", "stopping"]);
/** Statuses in which an agent takes commands (a starting or paused agent queues them). */
export const COMMANDABLE_AGENT_STATUSES: ReadonlySet<AgentStatus> = new Set(["starting", "idle", "busy", "waiting-for-permission", "paused"]);
/** Statuses in which an agent is doing work now (counted as "active"). */
export const ACTIVE_AGENT_STATUSES: ReadonlySet<AgentStatus> = new Set(["starting", "idle", "busy", "waiting-for-permission"]);
/** Statuses with a turn in progress (what an interrupt can stop). */
export const INTERRUPTIBLE_AGENT_STATUSES: ReadonlySet<AgentStatus> = new Set(["busy", "waiting-for-permission"]);

/** Statuses from which `agent.resume` starts an agent again. */
export const RESUMABLE_AGENT_STATUSES: ReadonlySet<AgentStatus> = new Set(["stopped", "failed", "lost"]);
/** Statuses in which a running agent can be handed a task's prompt (it queues behind the current turn). */
export const TASK_READY_AGENT_STATUSES: ReadonlySet<AgentStatus> = new Set(["idle", "busy", "waiting-for-permission"]);

export const agentDrivers = ["claude", "acp", "shell", "external"] as const;
export type AgentDriverName = (typeof agentDrivers)[number];

export const commandKinds = ["prompt", "interrupt", "stop", "resume", "setMode"] as const;
export const commandStatuses = ["queued", "accepted", "running", "completed", "failed", "cancelled"] as const;
export type CommandStatus = (typeof commandStatuses)[number];
export const OPEN_COMMAND_STATUSES: readonly CommandStatus[] = ["queued", "accepted", "running"];
export const FINISHED_COMMAND_STATUSES: readonly CommandStatus[] = ["completed", "failed", "cancelled"];

export const taskStatuses = ["pending", "waiting", "blocked", "queued", "running", "completed", "failed", "cancelled"] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/**
 * What a completed interrupt command records as its result: the page tells "delivered" from "no-op" by it. The
 * interrupt waits for the turn to end: a turn can end on its own before the interrupt takes effect (then its
 * command keeps its own outcome), or not end within the wait.
 */
export const interruptResults = {
  delivered: "interrupted the running turn",
  noop: "nothing was running",
  endedFirst: "the turn ended on its own before the interrupt took effect",
  unconfirmed: "interrupt sent; the turn had not ended when the wait ran out",
} as const;
export type InterruptResult = (typeof interruptResults)[keyof typeof interruptResults];
