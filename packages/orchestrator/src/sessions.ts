import { DomainError, newId, notFound, ACTIVE_AGENT_STATUSES, LIVE_AGENT_STATUSES, type AgentStatus } from "@rozet/vocabulary";
import type { Stores } from "./deps.ts";
import type { AgentRegistry } from "./runtime/registry.ts";
import type { AgentForwarding } from "./replicas/agent-forwarding.ts";
import { sessionDto } from "./dto.ts";
import { ensureWorkspace } from "./workspaces/sandbox.ts";

/** What the session functions use (each takes the part it needs): archiving and deleting stop the agents. */
export interface SessionDeps extends Pick<Stores, "prisma" | "control" | "workspacesRoot" | "events" | "writer"> {
  agents: Pick<AgentRegistry, "stopSession">;
  /** Agents of the session that other replicas run are stopped there (absent: every agent runs here). */
  forwarding?: AgentForwarding | undefined;
}

/** Stops the session's agents: those running here, then those other replicas run (a stop forwarded to each). */
async function stopSessionAgents(deps: Pick<SessionDeps, "prisma" | "agents" | "forwarding">, sessionId: string, why: string): Promise<void> {
  await deps.agents.stopSession(sessionId);
  const forwarding = deps.forwarding;
  if (!forwarding) return;
  const live = await deps.prisma.agent.findMany({ where: { sessionId, status: { in: [...LIVE_AGENT_STATUSES] }, driver: { not: "external" } }, select: { id: true } });
  await Promise.all(
    live.map(({ id }) =>
      // Not running there after all (it stopped meanwhile): nothing left to stop. Unreachable replicas fail the call (503/504).
      forwarding.forward(id, "stop", { agentId: id, issuedBy: why }).catch((error: unknown) => {
        if (!(error instanceof DomainError && error.code === "ILLEGAL_STATE")) throw error;
      }),
    ),
  );
}

export async function createSession(deps: Pick<SessionDeps, "prisma" | "control" | "workspacesRoot">, input: { name: string; workspace?: string | undefined; autoApprovePlans?: boolean | undefined }) {
  const id = newId();
  // Default workspace: a folder of its own under the workspaces root, named after the session.
  const slug = input.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "session";
  const workspaceRoot = ensureWorkspace(deps.workspacesRoot, input.workspace ?? `${slug}-${id.slice(0, 8)}`);
  const row = await deps.prisma.session.create({ data: { id, name: input.name, workspaceRoot, autoApprovePlans: input.autoApprovePlans ?? false } });
  const dto = sessionDto(row);
  deps.control.publish({ entity: "session", id, sessionId: id, action: "created", status: dto.status, data: dto });
  return dto;
}

export async function listSessions(deps: Pick<SessionDeps, "prisma" | "events">, input: { status?: "active" | "archived" | undefined; limit: number }) {
  const rows = await deps.prisma.session.findMany({
    where: input.status ? { status: input.status } : {},
    orderBy: { createdAt: "desc" },
    take: input.limit,
  });
  const ids = rows.map((row) => row.id);
  const agentCounts = await deps.prisma.agent.groupBy({ by: ["sessionId", "status"], where: { sessionId: { in: ids } }, _count: { _all: true } });
  const totals = await Promise.all(rows.map((row) => deps.events.stats(row.id)));
  return rows.map((row, i) => {
    // The same totals the live "stats" updates carry (two indexed reads per session).
    const s = totals[i]!;
    const agents = agentCounts.filter((c) => c.sessionId === row.id);
    return {
      ...sessionDto(row),
      agents: agents.reduce((sum, c) => sum + c._count._all, 0),
      activeAgents: agents.filter((c) => ACTIVE_AGENT_STATUSES.has(c.status as AgentStatus)).reduce((sum, c) => sum + c._count._all, 0),
      events: s.events,
      costUsd: s.costUsd,
      inputTokens: s.inputTokens,
      outputTokens: s.outputTokens,
      lastEventAt: s.lastEventAt,
      toolSuccessRate: successRate(s.toolOk, s.toolFailed),
    };
  });
}

/** Finished tool calls that succeeded, 0..1; null until a tool has finished. */
function successRate(ok: number, failed: number): number | null {
  return ok + failed === 0 ? null : ok / (ok + failed);
}

/** Totals over every session (three aggregate queries, no scan of events) with the newest sessions listed. */
export async function sessionOverview(deps: Pick<SessionDeps, "prisma" | "events">, input: { status?: "active" | "archived" | undefined; limit: number }) {
  const [sessions, byStatus, agentCounts, stats] = await Promise.all([
    listSessions(deps, input),
    deps.prisma.session.groupBy({ by: ["status"], _count: { _all: true } }),
    deps.prisma.agent.groupBy({ by: ["status"], _count: { _all: true } }),
    deps.prisma.sessionStats.aggregate({ _sum: { events: true, costUsd: true, inputTokens: true, outputTokens: true, toolOk: true, toolFailed: true } }),
  ]);
  const count = (rows: { _count: { _all: number } }[]) => rows.reduce((sum, row) => sum + row._count._all, 0);
  const toolOk = stats._sum.toolOk ?? 0;
  const toolFailed = stats._sum.toolFailed ?? 0;
  return {
    totals: {
      sessions: count(byStatus),
      activeSessions: count(byStatus.filter((row) => row.status === "active")),
      agents: count(agentCounts),
      activeAgents: count(agentCounts.filter((row) => ACTIVE_AGENT_STATUSES.has(row.status as AgentStatus))),
      events: stats._sum.events ?? 0,
      costUsd: stats._sum.costUsd ?? 0,
      inputTokens: stats._sum.inputTokens ?? 0,
      outputTokens: stats._sum.outputTokens ?? 0,
      toolCalls: toolOk + toolFailed,
      toolSuccessRate: successRate(toolOk, toolFailed),
    },
    sessions,
  };
}


/** For reads scoped to a session: an unknown session is a 404, not an empty list that looks like "none yet". */
export async function requireSession(deps: Pick<SessionDeps, "prisma">, sessionId: string): Promise<void> {
  const row = await deps.prisma.session.findUnique({ where: { id: sessionId }, select: { id: true } });
  if (!row) throw notFound("session", sessionId);
}

export async function getSession(deps: Pick<SessionDeps, "prisma">, input: { id: string }) {
  const row = await deps.prisma.session.findUnique({ where: { id: input.id } });
  if (!row) throw notFound("session", input.id);
  return sessionDto(row);
}

/**
 * Changes a session's settings. `autoApprovePlans` is read at each valid proposal: turning it on approves the next
 * proposals at once (drafts already waiting stay drafts until plan.approve).
 */
export async function updateSession(deps: Pick<SessionDeps, "prisma" | "control">, input: { id: string; autoApprovePlans: boolean }) {
  await getSession(deps, input);
  const row = await deps.prisma.session.update({ where: { id: input.id }, data: { autoApprovePlans: input.autoApprovePlans } });
  const dto = sessionDto(row);
  deps.control.publish({ entity: "session", id: row.id, sessionId: row.id, action: "updated", status: dto.status, data: dto });
  return dto;
}

export async function archiveSession(deps: Pick<SessionDeps, "prisma" | "control" | "agents" | "forwarding">, input: { id: string }) {
  const existing = await getSession(deps, input);
  if (existing.status === "archived") throw new DomainError("ILLEGAL_STATE", `session ${input.id} is already archived`);
  // An archived session is history: its agents stop (they can be looked at, not commanded).
  await stopSessionAgents(deps, input.id, "session archived");
  const row = await deps.prisma.session.update({ where: { id: input.id }, data: { status: "archived" } });
  const dto = sessionDto(row);
  deps.control.publish({ entity: "session", id: row.id, sessionId: row.id, action: "updated", status: dto.status, data: dto });
  return dto;
}

/** Stops the session's agents and deletes it with its agents, commands, tasks, permissions and events. Its workspace folder is left on disk. */
export async function deleteSession(deps: SessionDeps, input: { id: string }) {
  await getSession(deps, input);
  // Its agents stop first, and queued events are committed, so nothing lands for a session that no longer exists.
  await stopSessionAgents(deps, input.id, "session deleted");
  await deps.writer.flushNow();
  await deps.events.deleteSession(input.id);
  await deps.prisma.$transaction([
    deps.prisma.permissionRequest.deleteMany({ where: { sessionId: input.id } }),
    deps.prisma.permissionRule.deleteMany({ where: { sessionId: input.id } }),
    deps.prisma.session.delete({ where: { id: input.id } }),
  ]);
  deps.control.publish({ entity: "session", id: input.id, sessionId: input.id, action: "deleted" });
  return { id: input.id, deleted: true as const };
}

export async function sessionMetrics(deps: Pick<SessionDeps, "prisma" | "events">, input: { id: string }) {
  await getSession(deps, input);
  const [agentCounts, tasks] = await Promise.all([
    deps.prisma.agent.groupBy({ by: ["status"], where: { sessionId: input.id }, _count: { _all: true } }),
    deps.prisma.task.groupBy({ by: ["status"], where: { sessionId: input.id }, _count: { _all: true } }),
  ]);
  const stats = await deps.events.stats(input.id);
  const toolCalls = stats.toolOk + stats.toolFailed;
  return {
    sessionId: input.id,
    agentsByStatus: Object.fromEntries(agentCounts.map((c) => [c.status, c._count._all])) as Record<string, number>,
    tasksByStatus: Object.fromEntries(tasks.map((c) => [c.status, c._count._all])) as Record<string, number>,
    events: stats.events,
    costUsd: stats.costUsd,
    inputTokens: stats.inputTokens,
    outputTokens: stats.outputTokens,
    toolCalls,
    toolFailures: stats.toolFailed,
    /** null until a tool has finished. */
    toolSuccessRate: successRate(stats.toolOk, stats.toolFailed),
  };
}
