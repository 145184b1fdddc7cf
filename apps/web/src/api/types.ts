/**
 * Every API type the web app uses, inferred from the router. Nothing here is written by hand: when a procedure
 * changes, these change with it and the compiler points at the UI code that has to follow.
 */
import type { RouterInputs, RouterOutputs } from "@rozet/api";
import type { RozetClient } from "@rozet/api/client";

/** The typed tRPC client (queries and mutations over HTTP, subscriptions over the WebSocket). */
export type Api = RozetClient["api"];

type Yielded<T> = T extends AsyncIterable<infer U> ? U : never;

export type SessionListItem = RouterOutputs["session"]["list"][number];
export type Session = RouterOutputs["session"]["get"];
export type SessionMetrics = RouterOutputs["session"]["metrics"];
export type Agent = RouterOutputs["agent"]["list"][number];
export type TimelinePage = RouterOutputs["event"]["timeline"];
/** One event as timelines and the live subscription carry it: indexed fields and the summary, no payload. */
export type TimelineEvent = TimelinePage["events"][number];
export type FullEvent = RouterOutputs["event"]["get"];
/** One page of a command's run log (`event.runLog`): the command, its events with payloads, the next cursor. */
export type RunLogPage = RouterOutputs["event"]["runLog"];
export type RunLogEvent = RunLogPage["events"][number];
export type RunLogCommand = RunLogPage["command"];
export type TimelineInput = RouterInputs["event"]["timeline"];
export type SubscribeInput = RouterInputs["event"]["subscribe"];

/** What `event.subscribe` delivers: `{ id, data }`, the id being the event's seq (the resume cursor). */
export type EventEnvelope = Yielded<RouterOutputs["event"]["subscribe"]>;
/** What `control.onUpdate` delivers: `{ id, data }` around one lifecycle change of a session, agent or task. */
export type ControlEnvelope = Yielded<RouterOutputs["control"]["onUpdate"]>;
export type ControlUpdate = ControlEnvelope["data"];

export type Task = RouterOutputs["task"]["list"][number];
export type TaskCreateInput = RouterInputs["task"]["create"];
/** A pending (or answered) permission request, as `permission.list` and control updates carry it. */
export type Permission = RouterOutputs["permission"]["list"][number];
export type PermissionAnswer = RouterInputs["agent"]["respondPermission"]["answer"];
/** A command row (prompt, interrupt, stop, permission answer) as `agent.command` returns it. */
export type Command = RouterOutputs["agent"]["command"];
export type CommandStatus = Command["status"];
export type AgentCreateInput = RouterInputs["agent"]["create"];
export type AgentDriver = AgentCreateInput["driver"];
export type AgentConfig = NonNullable<AgentCreateInput["config"]>;
export type TelemetryInput = RouterInputs["system"]["telemetry"];
/**
 * Live per-session totals (`control.onUpdate`, entity "stats"). The router types every control update's `data`
 * as unknown (the bus transports them untyped), so the fields it shares with `session.metrics` come from there
 * and the two tool counters are checked at runtime where the update is read.
 */
export type SessionStats = Pick<SessionMetrics, "events" | "costUsd" | "inputTokens" | "outputTokens"> & { toolOk: number; toolFailed: number };

/** A plan (docs/planning.md) as `plan.list` / `plan.get` and control updates (entity "plan") carry it. */
export type Plan = RouterOutputs["plan"]["list"][number];
export type PlanTask = Plan["tasks"][number];
export type PlanCreateInput = RouterInputs["plan"]["create"];
export type PlanUpdateInput = RouterInputs["plan"]["update"];
export type PlanDecision = RouterInputs["plan"]["decide"]["decision"];
