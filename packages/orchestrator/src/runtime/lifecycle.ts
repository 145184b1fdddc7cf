import { DomainError, LIVE_AGENT_STATUSES, type AgentStatus } from "@rozet/vocabulary";

export { agentStatuses, type AgentStatus } from "@rozet/vocabulary";

/** The agent lifecycle. Anything not listed is an illegal transition and an error, never a silent no-op. */
const allowed: Record<AgentStatus, readonly AgentStatus[]> = {
  // `lost`: the agent's runner stopped renewing its lease (it died or lost the network).
  starting: ["idle", "failed", "stopping", "lost"],
  // `ended`: hook-reported agents only, whose Claude session ended (SessionEnd).
  idle: ["busy", "paused", "stopping", "failed", "ended", "lost"],
  busy: ["idle", "waiting-for-permission", "paused", "stopping", "failed", "lost"],
  "waiting-for-permission": ["busy", "idle", "paused", "stopping", "failed", "lost"],
  paused: ["idle", "stopping", "failed", "lost"],
  stopping: ["stopped", "failed", "lost"],
  stopped: ["starting"],
  failed: ["starting", "stopped"],
  // Left running by a previous server process, or its runner's lease expired.
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
