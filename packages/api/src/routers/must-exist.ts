import { getAgent, getSession, type ControlRoom } from "@rozet/orchestrator";

/**
 * Reads and writes scoped to a session or an agent answer 404 naming an id that does not exist, instead of an
 * empty list (a typo looks like "nothing there") or a row hanging off nothing (a rule for no session).
 */
export async function sessionMustExist(room: ControlRoom, sessionId: string): Promise<void> {
  await getSession(room, { id: sessionId });
}

export async function agentMustExist(room: ControlRoom, agentId: string): Promise<void> {
  await getAgent(room, { id: agentId });
}
