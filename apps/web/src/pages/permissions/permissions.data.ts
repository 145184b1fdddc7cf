import { query } from "@solidjs/router";
import { dataApi } from "../../providers/api.tsx";

/** Session names for the inbox (requests carry only ids). */
export const getSessionNames = query(async () => {
  const sessions = await dataApi().session.list.query({ limit: 500 });
  return new Map(sessions.map((s) => [s.id, s.name] as const));
}, "sessions.names");

/** Agent names of one session. */
export const getAgentNames = query(async (sessionId: string) => {
  const agents = await dataApi().agent.list.query({ sessionId });
  return new Map(agents.map((a) => [a.id, a.name] as const));
}, "agents.names");

/** A session's permission rules (the rules list, and naming the rule that answered a request). */
export const getRules = query((sessionId: string) => dataApi().permission.rules.query({ sessionId }), "permission.rules");

export function preloadPermissions(): void {
  void getSessionNames();
}
