import { background, DomainError, newId, notFound } from "@rozet/vocabulary";
import type { ControlRoom } from "./control-room.ts";
import { agentDto } from "./dto.ts";
import { getSession, requireSession } from "./sessions.ts";

export const agentDrivers = ["claude", "acp", "shell", "external"] as const;

export async function createAgent(
  room: ControlRoom,
  input: {
    sessionId: string;
    name: string;
    driver: (typeof agentDrivers)[number];
    model?: string | undefined;
    config?: Record<string, unknown> | undefined;
    budgetUsd?: number | undefined;
    budgetTokens?: number | undefined;
  },
) {
  const session = await getSession(room, { id: input.sessionId });
  if (session.status === "archived") throw new DomainError("ILLEGAL_STATE", `session ${session.id} is archived`);
  const clash = await room.prisma.agent.findFirst({ where: { sessionId: input.sessionId, name: input.name } });
  if (clash) throw new DomainError("CONFLICT", `session already has an agent named ${input.name}`, { field: "name" });
  const row = await room.prisma.agent.create({
    data: {
      id: newId(),
      sessionId: input.sessionId,
      name: input.name,
      driver: input.driver,
      model: input.model ?? null,
      // External agents report in through hooks; ours start now and leave `starting` when their driver is up.
      status: input.driver === "external" ? "idle" : "starting",
      config: JSON.stringify(input.config ?? {}),
      budgetUsd: input.budgetUsd ?? null,
      budgetTokens: input.budgetTokens ?? null,
    },
  });
  const dto = agentDto(row);
  room.control.publish({ entity: "agent", id: row.id, sessionId: row.sessionId, action: "created", status: row.status, data: dto });
  if (input.driver !== "external") {
    // Starting takes a while (a process, a handshake); the caller follows it on control.onUpdate. A refused
    // start leaves the agent failed with the reason (see AgentRegistry.launch); here it is only logged.
    background(room.log, `start agent ${row.id}`, () => room.agents.launch(row.id));
  }
  return dto;
}

export async function listAgents(room: ControlRoom, input: { sessionId: string }) {
  await requireSession(room, input.sessionId);
  const rows = await room.prisma.agent.findMany({ where: { sessionId: input.sessionId }, orderBy: { createdAt: "asc" } });
  return rows.map(agentDto);
}

export async function getAgent(room: ControlRoom, input: { id: string }) {
  const row = await room.prisma.agent.findUnique({ where: { id: input.id } });
  if (!row) throw notFound("agent", input.id);
  return agentDto(row);
}
