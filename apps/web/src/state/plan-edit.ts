/**
 * The operator's edits of a draft plan before they are sent (`plan.update` takes the whole task list): tasks'
 * titles, prompts, budgets, drivers, models and dependencies, tasks removed and added, the plan's budget. Pure: every
 * function returns a new edit; the server validates what is sent (cycles, unknown dependencies, budgets).
 */
import type { Plan, PlanTask, PlanUpdateInput } from "../api/types.ts";

export type Driver = "claude" | "acp" | "shell";
export const DRIVERS: readonly Driver[] = ["claude", "acp", "shell"];

export interface TaskEdit {
  key: string;
  title: string;
  prompt: string;
  dependsOn: string[];
  driver: Driver;
  /** The model field's text ("" or absent: the driver's default). A shell agent has none. */
  model?: string | undefined;
  /** Kept as proposed (an ACP profile, a permission mode: the form edits the driver and the model). */
  config?: Record<string, unknown> | undefined;
  /** The budget field's text ("" = none). */
  budget: string;
  /** What the field first showed and the exact number behind it: unchanged, the number is sent as it was. */
  budgetShown: string;
  budgetUsd?: number | undefined;
  touches: string[];
}

export interface PlanEdit {
  budget: string;
  budgetShown: string;
  budgetUsd: number | null;
  tasks: TaskEdit[];
}

/** A budget as its field shows it: at most 4 decimals (a shared budget such as 5/3 would print 16 digits). */
export function budgetText(usd: number | null | undefined): string {
  return usd === null || usd === undefined ? "" : String(Number(usd.toFixed(4)));
}

function taskEdit(task: PlanTask): TaskEdit {
  const shown = budgetText(task.budgetUsd);
  return {
    key: task.key,
    title: task.title,
    prompt: task.prompt,
    dependsOn: [...task.dependsOn],
    driver: task.agentProfile?.driver ?? "claude",
    model: task.agentProfile?.model,
    config: task.agentProfile?.config,
    budget: shown,
    budgetShown: shown,
    budgetUsd: task.budgetUsd,
    touches: [...task.touches],
  };
}

export function editFromPlan(plan: Pick<Plan, "budgetUsd" | "tasks">): PlanEdit {
  const shown = budgetText(plan.budgetUsd);
  return { budget: shown, budgetShown: shown, budgetUsd: plan.budgetUsd, tasks: plan.tasks.map(taskEdit) };
}

export type TaskField = "title" | "prompt" | "budget" | "driver" | "model";

export function setTaskField(edit: PlanEdit, key: string, field: TaskField, value: string): PlanEdit {
  return {
    ...edit,
    tasks: edit.tasks.map((t) => {
      if (t.key !== key) return t;
      if (field === "driver") return DRIVERS.includes(value as Driver) ? { ...t, driver: value as Driver } : t;
      return { ...t, [field]: value };
    }),
  };
}

export function setPlanBudget(edit: PlanEdit, value: string): PlanEdit {
  return { ...edit, budget: value };
}

/** `key` starts after `dependency` (on), or no longer waits for it (off). */
export function setDependency(edit: PlanEdit, key: string, dependency: string, on: boolean): PlanEdit {
  return {
    ...edit,
    tasks: edit.tasks.map((t) => {
      if (t.key !== key) return t;
      const without = t.dependsOn.filter((d) => d !== dependency);
      return { ...t, dependsOn: on && dependency !== key ? [...without, dependency] : without };
    }),
  };
}

/** Removes a task and every dependency on it (its dependents then start without it). */
export function removeTask(edit: PlanEdit, key: string): PlanEdit {
  return { ...edit, tasks: edit.tasks.filter((t) => t.key !== key).map((t) => (t.dependsOn.includes(key) ? { ...t, dependsOn: t.dependsOn.filter((d) => d !== key) } : t)) };
}

/** A new, empty task with a key no task of the edit has (`task-N`). */
export function addTask(edit: PlanEdit): { edit: PlanEdit; key: string } {
  const keys = new Set(edit.tasks.map((t) => t.key));
  let n = edit.tasks.length + 1;
  while (keys.has(`task-${n}`)) n += 1;
  const key = `task-${n}`;
  const task: TaskEdit = { key, title: "", prompt: "", dependsOn: [], driver: "claude", budget: "", budgetShown: "", touches: [] };
  return { edit: { ...edit, tasks: [...edit.tasks, task] }, key };
}

/** A budget field's number: unchanged text gives back the exact number it showed; "" is none. */
function readBudget(text: string, shown: string, exact: number | null | undefined): { ok: true; usd: number | null } | { ok: false } {
  if (text.trim() === shown) return { ok: true, usd: exact ?? null };
  if (text.trim() === "") return { ok: true, usd: null };
  const usd = Number(text);
  return Number.isFinite(usd) && usd > 0 ? { ok: true, usd } : { ok: false };
}

export type UpdateFields = Required<Pick<PlanUpdateInput, "tasks">> & { budgetUsd: number | null };

/**
 * What `plan.update` is sent for this edit, or what the form must fix first (an empty title or prompt, a budget
 * that is not a positive number). Everything else (cycles, unknown dependencies, budgets over the plan's) is the
 * server's to refuse, with the reason.
 */
export function toUpdate(edit: PlanEdit): { ok: true; fields: UpdateFields } | { ok: false; error: string } {
  const plan = readBudget(edit.budget, edit.budgetShown, edit.budgetUsd);
  if (!plan.ok) return { ok: false, error: "The plan's budget must be a positive number of USD (or empty for none)." };
  const tasks: UpdateFields["tasks"] = [];
  for (const t of edit.tasks) {
    const name = t.title.trim() ? `“${t.title.trim()}”` : `“${t.key}”`;
    if (!t.title.trim()) return { ok: false, error: `Task ${name} needs a title.` };
    if (!t.prompt.trim()) return { ok: false, error: `Task ${name} needs a prompt.` };
    const budget = readBudget(t.budget, t.budgetShown, t.budgetUsd);
    if (!budget.ok) return { ok: false, error: `The budget of task ${name} must be a positive number of USD (or empty for none).` };
    const model = t.model?.trim();
    if (model && model.length > 120) return { ok: false, error: `The model of task ${name} is longer than 120 characters.` };
    tasks.push({
      key: t.key,
      title: t.title.trim(),
      prompt: t.prompt.trim(),
      dependsOn: t.dependsOn,
      agentProfile: { driver: t.driver, ...(model && t.driver !== "shell" ? { model } : {}), ...(t.config !== undefined ? { config: t.config } : {}) },
      ...(budget.usd !== null ? { budgetUsd: budget.usd } : {}),
      touches: t.touches,
    });
  }
  return { ok: true, fields: { tasks, budgetUsd: plan.usd } };
}

/** Whether the edit differs from the plan as stored. */
export function isDirty(edit: PlanEdit, plan: Pick<Plan, "budgetUsd" | "tasks">): boolean {
  return JSON.stringify(edit) !== JSON.stringify(editFromPlan(plan));
}
