import { newId } from "@rozet/vocabulary";
import type { ControlRoom } from "../control-room.ts";
import { commandDto, type CommandDto, type CommandStatus } from "../dto.ts";

/** Command rows: queued → accepted → running → completed | failed | cancelled, each step stored and published. */
export async function createCommand(
  room: ControlRoom,
  input: { agentId: string; kind: CommandDto["kind"]; input: Record<string, unknown>; idempotencyKey?: string | undefined; taskId?: string | undefined },
): Promise<{ command: CommandDto; existing: boolean }> {
  if (input.idempotencyKey) {
    const existing = await room.prisma.command.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
    if (existing) return { command: commandDto(existing), existing: true };
  }
  const row = await room.prisma.command.create({
    data: {
      id: newId(),
      agentId: input.agentId,
      kind: input.kind,
      input: JSON.stringify(input.input),
      idempotencyKey: input.idempotencyKey ?? null,
      taskId: input.taskId ?? null,
    },
  });
  const dto = commandDto(row);
  await publishCommand(room, dto, "created");
  return { command: dto, existing: false };
}

const timestampFor: Partial<Record<CommandStatus, "acceptedAt" | "startedAt" | "finishedAt">> = {
  accepted: "acceptedAt",
  running: "startedAt",
  completed: "finishedAt",
  failed: "finishedAt",
  cancelled: "finishedAt",
};

export async function setCommandStatus(
  room: ControlRoom,
  id: string,
  status: CommandStatus,
  outcome: { result?: string | undefined; error?: string | undefined } = {},
): Promise<CommandDto> {
  const stamp = timestampFor[status];
  const row = await room.prisma.command.update({
    where: { id },
    data: { status, ...(stamp ? { [stamp]: new Date() } : {}), ...(outcome.result !== undefined ? { result: outcome.result } : {}), ...(outcome.error !== undefined ? { error: outcome.error } : {}) },
  });
  const dto = commandDto(row);
  await publishCommand(room, dto, "updated");
  return dto;
}

async function publishCommand(room: ControlRoom, command: CommandDto, action: "created" | "updated") {
  const agent = await room.prisma.agent.findUnique({ where: { id: command.agentId }, select: { sessionId: true } });
  room.control.publish({ entity: "command", id: command.id, sessionId: agent?.sessionId ?? null, action, status: command.status, data: command });
}

export const FINISHED_COMMAND_STATUSES: ReadonlySet<CommandStatus> = new Set(["completed", "failed", "cancelled"]);
