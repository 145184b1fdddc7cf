/**
 * The agent roster of one session, kept current from `control.onUpdate`. Pure: `(agents, update) → result`.
 * An update that carries the agent row is applied directly; one without it (agents created by ingested events are
 * announced with id and status only) asks the caller to re-read `agent.list`.
 */
import type { Agent, ControlUpdate } from "../api/types.ts";

/** The fields the reducer reads; tests build just these, the app passes whole `Agent` rows. */
export type RosterAgent = Pick<Agent, "id" | "sessionId" | "name" | "status">;

export interface RosterResult<A extends RosterAgent> {
  agents: A[];
  /** The update named an agent we cannot fully describe from it: re-read the list. */
  refetch: boolean;
}

function isAgentRow<A extends RosterAgent>(value: unknown, id: string): value is A {
  if (!value || typeof value !== "object") return false;
  const row = value as Record<string, unknown>;
  return row.id === id && typeof row.sessionId === "string" && typeof row.name === "string" && typeof row.status === "string";
}

export function applyRosterUpdate<A extends RosterAgent>(agents: readonly A[], update: ControlUpdate, sessionId: string): RosterResult<A> {
  const unchanged = { agents: agents as A[], refetch: false };
  if (update.entity !== "agent" || update.sessionId !== sessionId) return unchanged;
  const index = agents.findIndex((agent) => agent.id === update.id);
  if (update.action === "deleted") {
    return index === -1 ? unchanged : { agents: agents.filter((agent) => agent.id !== update.id), refetch: false };
  }
  // The control feed types `data` as unknown (one field for every entity): check it really is this agent's row.
  if (isAgentRow<A>(update.data, update.id)) {
    const row = update.data;
    const next = index === -1 ? [...agents, row] : agents.map((agent, i) => (i === index ? row : agent));
    return { agents: next, refetch: false };
  }
  if (index !== -1 && update.status !== undefined) {
    const status = update.status;
    return { agents: agents.map((agent, i) => (i === index ? { ...agent, status } : agent)), refetch: false };
  }
  return { agents: agents as A[], refetch: true };
}
