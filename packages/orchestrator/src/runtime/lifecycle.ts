import { DomainError } from "@rozet/db";

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
] as const;

export type AgentStatus = (typeof agentStatuses)[number];

/** The agent lifecycle. Anything not listed is an illegal transition and an error, never a silent no-op. */
const allowed: Record<AgentStatus, readonly AgentStatus[]> = {
  starting: ["idle", "failed", "stopping"],
  idle: ["busy", "paused", "stopping", "failed"],
  busy: ["idle", "waiting-for-permission", "paused", "stopping", "failed"],
  "waiting-for-permission": ["busy", "idle", "paused", "stopping", "failed"],
  paused: ["idle", "stopping", "failed"],
  stopping: ["stopped", "failed"],
  stopped: ["starting"],
  failed: ["starting", "stopped"],
  // Left running by a previous server process.
  lost: ["starting", "stopped"],
};

export function canTransition(from: AgentStatus, to: AgentStatus): boolean {
  return allowed[from].includes(to);
}

export function assertTransition(agentId: string, from: AgentStatus, to: AgentStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError("ILLEGAL_STATE", `agent ${agentId} cannot go from ${from} to ${to}`, { from, to });
  }
}

/** Statuses in which a process of ours is (or should be) running. */
export const LIVE_STATUSES: ReadonlySet<AgentStatus> = new Set(["starting", "idle", "busy", "waiting-for-permission", "paused", "stopping"]);
