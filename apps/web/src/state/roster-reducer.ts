/**
 * The agent roster of one session, kept current from `control.onUpdate`. Pure: `(agents, update) → result`.
 * An update that carries the agent row is applied directly; one without it (agents created by ingested events are
 * announced with id and status only) asks the caller to re-read `agent.list`.
 */
import type { Agent, ControlUpdate } from "../api/types.ts";

export interface RosterResult {
  agents: Agent[];
  /** The update named an agent we cannot fully describe from it: re-read the list. */
  refetch: boolean;
}

function isAgentRow(value: unknown, id: string): value is Agent {
  if (!value || typeof value !== "object") return false;
  const row = value as Record<string, unknown>;
  return row.id === id && typeof row.sessionId === "string" && typeof row.name === "string" && typeof row.status === "string";
}

export function applyRosterUpdate(agents: readonly Agent[], update: ControlUpdate, sessionId: string): RosterResult {
  const unchanged = { agents: agents as Agent[], refetch: false };
  if (update.entity !== "agent" || update.sessionId !== sessionId) return unchanged;
  const index = agents.findIndex((agent) => agent.id === update.id);
  if (update.action === "deleted") {
    return index === -1 ? unchanged : { agents: agents.filter((agent) => agent.id !== update.id), refetch: false };
  }
  // The control feed types `data` as unknown (one field for every entity): check it really is this agent's row.
  if (isAgentRow(update.data, update.id)) {
    const row = update.data;
    const next = index === -1 ? [...agents, row] : agents.map((agent, i) => (i === index ? row : agent));
    return { agents: next, refetch: false };
  }
  if (index !== -1 && update.status !== undefined) {
    const current = agents[index]!;
    const next = agents.map((agent, i) => (i === index ? { ...current, status: update.status! } : agent));
    return { agents: next, refetch: false };
  }
  return { agents: agents as Agent[], refetch: true };
}
