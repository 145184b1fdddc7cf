import { DomainError, LIVE_AGENT_STATUSES, type AgentStatus } from "@rozet/vocabulary";

export { agentStatuses, type AgentStatus } from "@rozet/vocabulary";

/** The agent lifecycle. Anything not listed is an illegal transition and an error, never a silent no-op. */
const allowed: Record<AgentStatus, readonly AgentStatus[]> = {
  starting: ["idle", "failed", "stopping"],
  // `ended`: hook-reported agents only, whose Claude session ended (SessionEnd).
  idle: ["busy", "paused", "stopping", "failed", "ended"],
  busy: ["idle", "waiting-for-permission", "paused", "stopping", "failed"],
  "waiting-for-permission": ["busy", "idle", "paused", "stopping", "failed"],
  paused: ["idle", "stopping", "failed"],
  stopping: ["stopped", "failed"],
  stopped: ["starting"],
  failed: ["starting", "stopped"],
  // Left running by a previous server process.
  lost: ["starting", "stopped"],
  // Hook-reported agents only: their Claude session ended. A new session of theirs reports in again.
  ended: ["idle"],
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
export const LIVE_STATUSES = LIVE_AGENT_STATUSES;
