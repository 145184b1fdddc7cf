/**
 * The dependency graph of a session's tasks (a DAG: a task points at the tasks it starts after), laid out in
 * columns: a task stands one column right of its furthest dependency, so every edge points rightwards. Pure.
 */
import type { Task } from "../api/types.ts";

/** The fields the layout reads: a session's tasks, or a plan's proposed tasks (keyed by their plan key). */
export type LayoutNode = Pick<Task, "id" | "dependsOn" | "createdAt">;
/** A task as `waitingOn` reads it; tests build just these. */
export type GraphTask = Pick<Task, "id" | "title" | "status" | "dependsOn" | "createdAt">;

export interface GraphNode {
  id: string;
  /** Column, 0 for tasks that depend on nothing (listed). */
  layer: number;
  /** Position within the column, top to bottom. */
  row: number;
}

export interface GraphEdge {
  /** The dependency… */
  from: string;
  /** …and the task waiting for it. */
  to: string;
}

export interface TaskGraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  layers: number;
  /** The tallest column's height in rows. */
  rows: number;
}

const byCreated = (a: LayoutNode, b: LayoutNode) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

export function layoutTaskGraph(tasks: readonly LayoutNode[]): TaskGraphLayout {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  // Dependencies the list does not hold (deleted, another page) are left out; so is a task depending on itself.
  const depsOf = (task: LayoutNode) => task.dependsOn.filter((id) => id !== task.id && byId.has(id));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const layerOf = (task: LayoutNode): number => {
    const known = layer.get(task.id);
    if (known !== undefined) return known;
    // The server refuses cycles; should one arrive anyway, the edge that closes it does not move the task.
    if (visiting.has(task.id)) return -1;
    visiting.add(task.id);
    const value = Math.max(-1, ...depsOf(task).map((id) => layerOf(byId.get(id)!))) + 1;
    visiting.delete(task.id);
    layer.set(task.id, value);
    return value;
  };
  for (const task of tasks) layerOf(task);

  const columns: LayoutNode[][] = [];
  for (const task of [...tasks].sort(byCreated)) (columns[layer.get(task.id)!] ??= []).push(task);
  // Within a column, tasks sit near the rows of what they wait on (fewer crossings), oldest first on ties.
  const rowOf = new Map<string, number>();
  const nodes: GraphNode[] = [];
  columns.forEach((column, index) => {
    const weight = (task: LayoutNode) => {
      const rows = depsOf(task).map((id) => rowOf.get(id)).filter((row): row is number => row !== undefined);
      return rows.length ? rows.reduce((sum, row) => sum + row, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const ordered = index === 0 ? column : [...column].sort((a, b) => weight(a) - weight(b) || byCreated(a, b));
    ordered.forEach((task, row) => {
      rowOf.set(task.id, row);
      nodes.push({ id: task.id, layer: index, row });
    });
  });
  const edges = tasks.flatMap((task) => depsOf(task).map((from) => ({ from, to: task.id })));
  return { nodes, edges, layers: columns.length, rows: Math.max(0, ...columns.map((c) => c.length)) };
}

/**
 * What a task is waiting on: its dependencies that have not completed (a failed, cancelled or blocked one blocks it;
 * the server says so in the task's error). Empty for a task that has started or finished.
 */
export function waitingOn<T extends GraphTask>(task: GraphTask, byId: ReadonlyMap<string, T>): (T | { id: string; title: null; status: null })[] {
  if (task.status !== "waiting" && task.status !== "pending" && task.status !== "blocked") return [];
  return task.dependsOn
    .map((id) => byId.get(id) ?? { id, title: null, status: null })
    .filter((dep) => dep.status !== "completed");
}
