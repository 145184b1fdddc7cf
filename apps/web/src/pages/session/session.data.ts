import { query, type RoutePreloadFuncArgs } from "@solidjs/router";
import { dataApi } from "../../providers/api.tsx";

export const getSession = query((id: string) => dataApi().session.get.query({ id }), "session");
export const getSessionMetrics = query((id: string) => dataApi().session.metrics.query({ id }), "session.metrics");
export const getAgents = query((sessionId: string) => dataApi().agent.list.query({ sessionId }), "agents");
/** One event with its full payload, for the inspector. Events never change, so the cached copy stays right. */
export const getEvent = query((seq: number) => dataApi().event.get.query({ seq }), "event");

export function preloadSession({ params }: RoutePreloadFuncArgs): void {
  const id = params.id;
  if (!id) return;
  void getSession(id);
  void getSessionMetrics(id);
  void getAgents(id);
}

export function preloadEvent({ params }: RoutePreloadFuncArgs): void {
  const seq = Number(params.seq);
  if (Number.isSafeInteger(seq) && seq >= 0) void getEvent(seq);
}
