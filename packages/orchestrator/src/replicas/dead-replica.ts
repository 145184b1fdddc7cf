import { LIVE_AGENT_STATUSES, OPEN_COMMAND_STATUSES } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";
import { agentDto, permissionDto } from "../dto.ts";
import { recordEvent } from "../timeline.ts";
import { setCommandStatus } from "../runtime/commands.ts";

export interface DeadReplicaDeps extends Pick<Stores, "prisma" | "control" | "writer"> {
  /** The agent's queued and running tasks go back to pending, for another agent. */
  requeueTasksOf: (agentId: string, reason: string) => Promise<void>;
}

/**
 * The agents of a replica that stopped answering are lost (its processes died with it, or run on unwatched): each
 * is claimed from the status it was read in (one sweeper wins), its open commands end (the running one failed, the
 * queued ones cancelled), its pending permission requests are cancelled and its tasks go back to pending. Returns the
 * agents this call marked lost.
 */
export async function loseAgentsOfDeadReplica(deps: DeadReplicaDeps, agentIds: readonly string[], reason: string): Promise<string[]> {
  const lost: string[] = [];
  for (const agentId of agentIds) {
    const agent = await deps.prisma.agent.findUnique({ where: { id: agentId } });
    if (!agent || !LIVE_AGENT_STATUSES.has(agent.status as never)) continue;
    const claimed = await deps.prisma.agent.updateMany({ where: { id: agentId, status: agent.status }, data: { status: "lost", lastError: reason } });
    if (claimed.count === 0) continue;
    lost.push(agentId);
    const row = await deps.prisma.agent.findUniqueOrThrow({ where: { id: agentId } });
    deps.control.publish({ entity: "agent", id: agentId, sessionId: row.sessionId, action: "updated", status: "lost", data: agentDto(row) });
    await recordEvent(deps, {
      sessionId: row.sessionId,
      agentId,
      type: "agent.status",
      status: "lost",
      summary: `${agent.status} → lost: ${reason}`,
      payload: { from: agent.status, to: "lost", reason },
    });
    const open = await deps.prisma.command.findMany({ where: { agentId, status: { in: [...OPEN_COMMAND_STATUSES] } }, orderBy: { createdAt: "asc" } });
    for (const command of open) {
      if (command.status === "running") await setCommandStatus(deps, command.id, "failed", { error: `agent lost: ${reason}` });
      else await setCommandStatus(deps, command.id, "cancelled", { error: `agent lost before the command started: ${reason}` });
    }
    const asks = await deps.prisma.permissionRequest.findMany({ where: { agentId, status: "pending" } });
    for (const ask of asks) {
      const answered = await deps.prisma.permissionRequest.updateMany({ where: { id: ask.id, status: "pending" }, data: { status: "cancelled", answeredBy: "replica-sweep", answeredAt: new Date() } });
      if (answered.count === 0) continue;
      const dto = permissionDto(await deps.prisma.permissionRequest.findUniqueOrThrow({ where: { id: ask.id } }));
      deps.control.publish({ entity: "permission", id: ask.id, sessionId: ask.sessionId, action: "updated", status: dto.status, data: dto });
    }
    await deps.requeueTasksOf(agentId, reason);
  }
  return lost;
}
