import { DomainError, newId, notFound } from "@rozet/vocabulary";
import type { ControlRoom } from "./control-room.ts";
import { taskDto } from "./dto.ts";
import { getSession, requireSession } from "./sessions.ts";
import { recordEvent } from "./timeline.ts";

const FINISHED = new Set(["completed", "failed", "cancelled"]);

export async function createTask(
  room: ControlRoom,
  input: {
    sessionId: string;
    title: string;
    prompt: string;
    agentId?: string | undefined;
    parentId?: string | undefined;
    dependsOn: string[];
    budgetUsd?: number | undefined;
    budgetTokens?: number | undefined;
    agentProfile?: { driver: "claude" | "acp" | "shell"; model?: string | undefined; config?: Record<string, unknown> | undefined } | undefined;
  },
) {
  const session = await getSession(room, { id: input.sessionId });
  if (session.status === "archived") throw new DomainError("ILLEGAL_STATE", `session ${session.id} is archived`);
  if (input.agentId) {
    const agent = await room.prisma.agent.findFirst({ where: { id: input.agentId, sessionId: input.sessionId } });
    if (!agent) throw new DomainError("INVALID_INPUT", `agent ${input.agentId} is not in session ${input.sessionId}`, { field: "agentId" });
  }
  const related = [...new Set([...input.dependsOn, ...(input.parentId ? [input.parentId] : [])])];
  const found = await room.prisma.task.findMany({ where: { id: { in: related }, sessionId: input.sessionId }, select: { id: true, status: true } });
  const missing = related.filter((id) => !found.some((t) => t.id === id));
  if (missing.length > 0) {
    throw new DomainError("INVALID_INPUT", `tasks not in this session: ${missing.join(", ")}`, { field: "dependsOn", missing });
  }
  // A new task can only depend on existing ones, so no cycle can form.
  const waiting = found.some((t) => input.dependsOn.includes(t.id) && t.status !== "completed");
  const row = await room.prisma.task.create({
    data: {
      id: newId(),
      sessionId: input.sessionId,
      title: input.title,
      prompt: input.prompt,
      agentId: input.agentId ?? null,
      parentId: input.parentId ?? null,
      dependsOn: JSON.stringify(input.dependsOn),
      // The scheduler pass below says for whom it waits, or blocks it if a dependency already failed.
      status: waiting ? "waiting" : "pending",
      budgetUsd: input.budgetUsd ?? null,
      budgetTokens: input.budgetTokens ?? null,
      agentProfile: input.agentProfile ? JSON.stringify(input.agentProfile) : null,
    },
  });
  const dto = taskDto(row);
  room.control.publish({ entity: "task", id: row.id, sessionId: row.sessionId, action: "created", status: row.status, data: dto });
  await recordEvent(room, { sessionId: row.sessionId, taskId: row.id, type: "task.created", summary: row.title, payload: dto });
  await room.tasks.schedule(row.sessionId);
  return taskDto(await room.prisma.task.findUniqueOrThrow({ where: { id: row.id } }));
}

export async function listTasks(room: ControlRoom, input: { sessionId: string; status?: string | undefined }) {
  await requireSession(room, input.sessionId);
  const rows = await room.prisma.task.findMany({
    where: { sessionId: input.sessionId, ...(input.status ? { status: input.status } : {}) },
    orderBy: { createdAt: "asc" },
  });
  return rows.map(taskDto);
}

export async function getTask(room: ControlRoom, input: { id: string }) {
  const row = await room.prisma.task.findUnique({ where: { id: input.id } });
  if (!row) throw notFound("task", input.id);
  return taskDto(row);
}

export async function cancelTask(room: ControlRoom, input: { id: string; reason?: string | undefined }) {
  const task = await getTask(room, input);
  const active = await room.prisma.command.findFirst({ where: { taskId: task.id, status: { in: ["queued", "accepted", "running"] } } });
  if (FINISHED.has(task.status)) throw new DomainError("ILLEGAL_STATE", `task ${task.id} is already ${task.status}`, { status: task.status });
  const row = await room.prisma.task.update({
    where: { id: task.id },
    data: { status: "cancelled", error: input.reason ?? "cancelled by operator", finishedAt: new Date() },
  });
  const dto = taskDto(row);
  room.control.publish({ entity: "task", id: row.id, sessionId: row.sessionId, action: "updated", status: row.status, data: dto });
  await recordEvent(room, { sessionId: row.sessionId, taskId: row.id, type: "task.cancelled", summary: dto.error ?? undefined, status: "cancelled" });
  // Cancelling interrupts the work: a queued prompt is dropped, a running one interrupted.
  if (active) await room.agents.find(active.agentId)?.cancelCommand(active.id);
  await room.tasks.schedule(row.sessionId);
  return dto;
}
