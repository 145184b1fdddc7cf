/**
 * A session's tasks for the board, kept current from `control.onUpdate` (entity "task"). Pure.
 */
import type { ControlUpdate, Task } from "../api/types.ts";

export type BoardTask = Pick<Task, "id" | "sessionId" | "status" | "createdAt">;

export interface TaskColumn {
  id: string;
  title: string;
  statuses: readonly Task["status"][];
}

/** The board's columns, left to right. Every task status is in exactly one. */
export const TASK_COLUMNS: readonly TaskColumn[] = [
  // Waiting for an agent or for dependencies still running; blocked tasks will not start (their reason says why).
  { id: "waiting", title: "Waiting", statuses: ["pending", "waiting"] },
  { id: "blocked", title: "Blocked", statuses: ["blocked"] },
  { id: "queued", title: "Queued", statuses: ["queued"] },
  { id: "running", title: "Running", statuses: ["running"] },
  { id: "done", title: "Completed", statuses: ["completed"] },
  { id: "stopped", title: "Failed / cancelled", statuses: ["failed", "cancelled"] },
];

export const FINISHED_TASK_STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

function isTaskRow<T extends BoardTask>(value: unknown, id: string): value is T {
  if (!value || typeof value !== "object") return false;
  const row = value as Record<string, unknown>;
  return row.id === id && typeof row.sessionId === "string" && typeof row.status === "string" && typeof row.createdAt === "string";
}

export function applyTaskUpdate<T extends BoardTask>(tasks: readonly T[], update: ControlUpdate, sessionId: string): { tasks: T[]; refetch: boolean } {
  const unchanged = { tasks: tasks as T[], refetch: false };
  if (update.entity !== "task" || update.sessionId !== sessionId) return unchanged;
  const index = tasks.findIndex((t) => t.id === update.id);
  if (update.action === "deleted") return index === -1 ? unchanged : { tasks: tasks.filter((t) => t.id !== update.id), refetch: false };
  if (isTaskRow<T>(update.data, update.id)) {
    const row = update.data;
    return { tasks: index === -1 ? [...tasks, row] : tasks.map((t, i) => (i === index ? row : t)), refetch: false };
  }
  return { tasks: tasks as T[], refetch: true };
}

/**
 * A fetched list can be older than the live updates applied while it was on its way (a task finishing during the
 * read): keep the newer row of each task, so a late answer never moves a finished task back to "running".
 */
export function mergeFetchedTasks<T extends BoardTask & Pick<Task, "updatedAt">>(current: readonly T[], fetched: readonly T[]): T[] {
  const live = new Map(current.map((task) => [task.id, task]));
  return fetched.map((row) => {
    const mine = live.get(row.id);
    return mine && mine.updatedAt > row.updatedAt ? mine : row;
  });
}

/** Tasks by column id, each column oldest first. */
export function groupTasks<T extends BoardTask>(tasks: readonly T[]): Record<string, T[]> {
  const groups: Record<string, T[]> = Object.fromEntries(TASK_COLUMNS.map((c) => [c.id, [] as T[]]));
  for (const task of tasks) {
    const column = TASK_COLUMNS.find((c) => c.statuses.includes(task.status)) ?? TASK_COLUMNS[0]!;
    groups[column.id]!.push(task);
  }
  for (const list of Object.values(groups)) list.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return groups;
}
