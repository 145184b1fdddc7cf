/** What a task's dependencies allow, given their current rows (undefined: the dependency no longer exists). */
export type DependencyVerdict = { kind: "ready" } | { kind: "waiting"; reason: string } | { kind: "blocked"; reason: string };

interface DependencyRow {
  title: string;
  status: string;
  error: string | null;
}

const DEAD = new Set(["failed", "cancelled"]);

/**
 * Blocked when a dependency failed, was cancelled, was deleted or is itself blocked (its reason is carried
 * along, so a task two steps down still says why); waiting while a dependency has yet to complete; else ready.
 */
export function dependencyVerdict(deps: readonly (DependencyRow | undefined)[]): DependencyVerdict {
  if (deps.some((d) => d === undefined)) return { kind: "blocked", reason: "a dependency was deleted" };
  const rows = deps as readonly DependencyRow[];
  const dead = rows.find((d) => DEAD.has(d.status));
  if (dead) return { kind: "blocked", reason: `dependency "${dead.title}" ${dead.status}` };
  const blocked = rows.find((d) => d.status === "blocked");
  if (blocked) return { kind: "blocked", reason: `dependency "${blocked.title}" blocked${blocked.error ? `: ${blocked.error}` : ""}` };
  const open = rows.filter((d) => d.status !== "completed");
  if (open.length > 0) return { kind: "waiting", reason: `waiting for ${open.map((d) => `"${d.title}"`).join(", ")}` };
  return { kind: "ready" };
}
