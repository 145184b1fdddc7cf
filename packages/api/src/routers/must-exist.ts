import { getAgent, getSession, getTask, type ControlRoom } from "@rozet/orchestrator";
import { notFound } from "@rozet/vocabulary";

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

/** An agent named under a session (REST paths) that belongs to another one is not found there: 404 naming both. */
export async function agentMustBeInSession(room: ControlRoom, agentId: string, sessionId: string | undefined): Promise<void> {
  if (sessionId === undefined) return;
  await sessionMustExist(room, sessionId);
  const agent = await getAgent(room, { id: agentId });
  if (agent.sessionId !== sessionId) throw notFound("agent", `${agentId} in session ${sessionId}`);
}

export async function taskMustBeInSession(room: ControlRoom, taskId: string, sessionId: string | undefined): Promise<void> {
  if (sessionId === undefined) return;
  await sessionMustExist(room, sessionId);
  const task = await getTask(room, { id: taskId });
  if (task.sessionId !== sessionId) throw notFound("task", `${taskId} in session ${sessionId}`);
}
