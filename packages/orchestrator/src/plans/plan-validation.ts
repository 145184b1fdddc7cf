import type { ProposedTask } from "@rozet/vocabulary";

export type PlanVerdict = { ok: true; tasks: ProposedTask[] } | { ok: false; reason: string };

/**
 * Whether a proposal can run: at least one task, unique keys, dependencies that name tasks of the plan, no
 * cycle, and task budgets within the plan's. When the plan has a budget, tasks that name none share what the
 * others leave (so every task has a cap and the caps add up to at most the plan's). The tasks come back in an
 * order they can be created in (every dependency before its dependents), budgets filled in.
 */
export function validateProposal(tasks: readonly ProposedTask[], planBudgetUsd: number | null): PlanVerdict {
  if (tasks.length === 0) return { ok: false, reason: "the plan has no tasks" };
  const byKey = new Map<string, ProposedTask>();
  for (const task of tasks) {
    if (byKey.has(task.key)) return { ok: false, reason: `two tasks have the key "${task.key}"` };
    byKey.set(task.key, task);
  }
  for (const task of tasks) {
    const unknown = task.dependsOn.filter((key) => !byKey.has(key));
    if (unknown.length > 0) return { ok: false, reason: `task "${task.key}" depends on unknown task${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")}` };
    if (task.dependsOn.includes(task.key)) return { ok: false, reason: `task "${task.key}" depends on itself` };
  }
  const ordered = dependencyOrder(tasks, byKey);
  if (!ordered.ok) return ordered;
  if (planBudgetUsd === null) return ordered;
  return shareBudget(ordered.tasks, planBudgetUsd);
}

/** Dependencies first (Kahn's algorithm, keeping the proposal's order among tasks that are ready together). */
function dependencyOrder(tasks: readonly ProposedTask[], byKey: ReadonlyMap<string, ProposedTask>): PlanVerdict {
  const done = new Set<string>();
  const ordered: ProposedTask[] = [];
  while (ordered.length < tasks.length) {
    const ready = tasks.filter((t) => !done.has(t.key) && t.dependsOn.every((key) => done.has(key)));
    if (ready.length === 0) {
      const cycle = findCycle(tasks.filter((t) => !done.has(t.key)), byKey);
      return { ok: false, reason: `the dependencies form a cycle: ${cycle.map((k) => `"${k}"`).join(" → ")}` };
    }
    for (const task of ready) {
      done.add(task.key);
      ordered.push(task);
    }
  }
  return { ok: true, tasks: ordered };
}

/** One cycle among tasks none of which can start, as keys (the first one repeated at the end). */
function findCycle(stuck: readonly ProposedTask[], byKey: ReadonlyMap<string, ProposedTask>): string[] {
  const path: string[] = [];
  let key = stuck[0]!.key;
  // Every stuck task waits on another stuck task, so following the first such dependency must come back around.
  while (!path.includes(key)) {
    path.push(key);
    key = byKey.get(key)!.dependsOn.find((dep) => stuck.some((t) => t.key === dep))!;
  }
  return [...path.slice(path.indexOf(key)), key];
}

function shareBudget(tasks: ProposedTask[], planBudgetUsd: number): PlanVerdict {
  const named = tasks.reduce((sum, t) => sum + (t.budgetUsd ?? 0), 0);
  if (named > planBudgetUsd + 1e-9) return { ok: false, reason: `the task budgets add up to $${round(named)}, over the plan's budget of $${round(planBudgetUsd)}` };
  const unbudgeted = tasks.filter((t) => t.budgetUsd === undefined).length;
  if (unbudgeted === 0) return { ok: true, tasks };
  const share = (planBudgetUsd - named) / unbudgeted;
  if (share <= 0) return { ok: false, reason: `the tasks with budgets take the plan's whole $${round(planBudgetUsd)}; ${unbudgeted} task${unbudgeted > 1 ? "s have" : " has"} none left` };
  return { ok: true, tasks: tasks.map((t) => (t.budgetUsd === undefined ? { ...t, budgetUsd: share } : t)) };
}

const round = (usd: number) => Number(usd.toFixed(4));
