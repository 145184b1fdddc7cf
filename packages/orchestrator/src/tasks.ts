import { DomainError, newId, notFound, OPEN_COMMAND_STATUSES } from "@rozet/vocabulary";
import type { Stores } from "./deps.ts";
import type { AgentRegistry } from "./runtime/registry.ts";
import type { TaskScheduler } from "./runtime/task-scheduler.ts";
import { taskDto } from "./dto.ts";
import { getSession, requireSession } from "./sessions.ts";
import { recordEvent } from "./timeline.ts";

const FINISHED = new Set(["completed", "failed", "cancelled"]);

/** Tasks are stored, put on the timeline and handed to the scheduler; cancelling one stops its command. */
export interface TaskDeps extends Pick<Stores, "prisma" | "control" | "writer"> {
  tasks: Pick<TaskScheduler, "schedule">;
  agents: Pick<AgentRegistry, "find">;
}

export async function createTask(
  deps: Pick<TaskDeps, "prisma" | "control" | "writer" | "tasks">,
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
    /** The plan the task is part of, and its key there (set by the plan coordinator only). */
    plan?: { id: string; key: string } | undefined;
  },
) {
  const session = await getSession(deps, { id: input.sessionId });
  if (session.status === "archived") throw new DomainError("ILLEGAL_STATE", `session ${session.id} is archived`);
  if (input.agentId) {
    const agent = await deps.prisma.agent.findFirst({ where: { id: input.agentId, sessionId: input.sessionId } });
    if (!agent) throw new DomainError("INVALID_INPUT", `agent ${input.agentId} is not in session ${input.sessionId}`, { field: "agentId" });
  }
  const related = [...new Set([...input.dependsOn, ...(input.parentId ? [input.parentId] : [])])];
  const found = await deps.prisma.task.findMany({ where: { id: { in: related }, sessionId: input.sessionId }, select: { id: true, status: true } });
  const missing = related.filter((id) => !found.some((t) => t.id === id));
  if (missing.length > 0) {
    throw new DomainError("INVALID_INPUT", `tasks not in this session: ${missing.join(", ")}`, { field: "dependsOn", missing });
  }
  // A new task can only depend on existing ones, so no cycle can form.
  const waiting = found.some((t) => input.dependsOn.includes(t.id) && t.status !== "completed");
  const row = await deps.prisma.task.create({
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
      planId: input.plan?.id ?? null,
      planKey: input.plan?.key ?? null,
    },
  });
  const dto = taskDto(row);
  deps.control.publish({ entity: "task", id: row.id, sessionId: row.sessionId, action: "created", status: row.status, data: dto });
  await recordEvent(deps, { sessionId: row.sessionId, taskId: row.id, type: "task.created", summary: row.title, payload: dto });
  await deps.tasks.schedule(row.sessionId);
  return taskDto(await deps.prisma.task.findUniqueOrThrow({ where: { id: row.id } }));
}

export async function listTasks(deps: Pick<TaskDeps, "prisma">, input: { sessionId: string; status?: string | undefined }) {
  await requireSession(deps, input.sessionId);
  const rows = await deps.prisma.task.findMany({
    where: { sessionId: input.sessionId, ...(input.status ? { status: input.status } : {}) },
    orderBy: { createdAt: "asc" },
  });
  return rows.map(taskDto);
}

export async function getTask(deps: Pick<TaskDeps, "prisma">, input: { id: string }) {
  const row = await deps.prisma.task.findUnique({ where: { id: input.id } });
  if (!row) throw notFound("task", input.id);
  return taskDto(row);
}

export async function cancelTask(deps: TaskDeps, input: { id: string; reason?: string | undefined }) {
  const task = await getTask(deps, input);
  const active = await deps.prisma.command.findFirst({ where: { taskId: task.id, status: { in: [...OPEN_COMMAND_STATUSES] } } });
  if (FINISHED.has(task.status)) throw new DomainError("ILLEGAL_STATE", `task ${task.id} is already ${task.status}`, { status: task.status });
  const row = await deps.prisma.task.update({
    where: { id: task.id },
    data: { status: "cancelled", error: input.reason ?? "cancelled by operator", finishedAt: new Date() },
  });
  const dto = taskDto(row);
  deps.control.publish({ entity: "task", id: row.id, sessionId: row.sessionId, action: "updated", status: row.status, data: dto });
  await recordEvent(deps, { sessionId: row.sessionId, taskId: row.id, type: "task.cancelled", summary: `${row.title}: cancelled${dto.error ? ` (${dto.error})` : ""}`, status: "cancelled" });
  // Cancelling interrupts the work: a queued prompt is dropped, a running one interrupted.
  if (active) await deps.agents.find(active.agentId)?.cancelCommand(active.id);
  await deps.tasks.schedule(row.sessionId);
  return dto;
}
