import { action, json, query, type RoutePreloadFuncArgs } from "@solidjs/router";
import type { AgentCreateInput, TaskCreateInput } from "../../api/types.ts";
import { timedCommand } from "../../lib/telemetry.ts";
import { dataApi } from "../../providers/api.tsx";
import { getPlans } from "./plans.data.ts";

export const getSession = query((id: string) => dataApi().session.get.query({ id }), "session");
export const getSessionMetrics = query((id: string) => dataApi().session.metrics.query({ id }), "session.metrics");
export const getAgents = query((sessionId: string) => dataApi().agent.list.query({ sessionId }), "agents");
export const getTasks = query((sessionId: string) => dataApi().task.list.query({ sessionId }), "tasks");
/** One event with its full payload, for the inspector. Events never change, so the cached copy stays right. */
export const getEvent = query((seq: number) => dataApi().event.get.query({ seq }), "event");

export function preloadSession({ params, location }: RoutePreloadFuncArgs): void {
  const id = params.id;
  if (!id) return;
  void getSession(id);
  void getSessionMetrics(id);
  void getAgents(id);
  const view = new URLSearchParams(location.search).get("view");
  if (view === "tasks" || view === "plans") void getTasks(id);
  if (view === "plans") void getPlans(id);
}

export function preloadEvent({ params }: RoutePreloadFuncArgs): void {
  const seq = Number(params.seq);
  if (Number.isSafeInteger(seq) && seq >= 0) void getEvent(seq);
}

export const createAgent = action(async (input: AgentCreateInput) => {
  const api = dataApi();
  const agent = await timedCommand(api, "agent.create", () => api.agent.create.mutate(input));
  return json(agent, { revalidate: [getAgents.keyFor(input.sessionId), getSessionMetrics.keyFor(input.sessionId)] });
}, "agent.create");

export const setAgentBudget = action(async (input: { sessionId: string; agentId: string; usd: number | null; tokens: number | null }) => {
  const api = dataApi();
  const agent = await timedCommand(api, "agent.setBudget", () => api.agent.setBudget.mutate({ agentId: input.agentId, usd: input.usd, tokens: input.tokens }));
  return json(agent, { revalidate: getAgents.keyFor(input.sessionId) });
}, "agent.setBudget");

export const resumeAgent = action(async (input: { sessionId: string; agentId: string }) => {
  const api = dataApi();
  const agent = await timedCommand(api, "agent.resume", () => api.agent.resume.mutate({ id: input.agentId }));
  return json(agent, { revalidate: getAgents.keyFor(input.sessionId) });
}, "agent.resume");

export const createTask = action(async (input: TaskCreateInput) => {
  const api = dataApi();
  const task = await timedCommand(api, "task.create", () => api.task.create.mutate(input));
  return json(task, { revalidate: getTasks.keyFor(input.sessionId) });
}, "task.create");

export const cancelTask = action(async (input: { sessionId: string; taskId: string }) => {
  const api = dataApi();
  const task = await timedCommand(api, "task.cancel", () => api.task.cancel.mutate({ id: input.taskId, reason: "cancelled by the operator" }));
  return json(task, { revalidate: getTasks.keyFor(input.sessionId) });
}, "task.cancel");

/** The operator's answer to a task stopped on a merge conflict: resolved by hand, hand it to the agent, or cancel. */
export const resolveTaskConflict = action(async (input: { sessionId: string; taskId: string; resolution: "resolved" | "agent" | "cancel" }) => {
  const api = dataApi();
  const task = await timedCommand(api, "task.resolveConflict", () => api.task.resolveConflict.mutate({ id: input.taskId, resolution: input.resolution }));
  return json(task, { revalidate: getTasks.keyFor(input.sessionId) });
}, "task.resolveConflict");

/** A command by id (with its agent's name), for naming it: the first page of its run log, one event long. */
export const getCommand = query(async (commandId: string) => (await dataApi().event.runLog.query({ commandId, limit: 1 })).command, "command");
/** One task by id, for naming it (a list read before the task existed would not know it). */
export const getTask = query((id: string) => dataApi().task.get.query({ id }), "task");

/** The session's settings (today `autoApprovePlans`); the session is read again (its control update does too). */
export const updateSession = action(async (input: { id: string; autoApprovePlans: boolean }) => {
  const api = dataApi();
  const session = await timedCommand(api, "session.update", () => api.session.update.mutate(input));
  return json(session, { revalidate: getSession.keyFor(input.id) });
}, "session.update");
