import { describe, expect, it } from "vitest";
import type { ControlUpdate, Plan, PlanTask } from "../src/api/types.ts";
import { addTask, budgetText, editFromPlan, isDirty, removeTask, setDependency, setPlanBudget, setTaskField, toUpdate } from "../src/state/plan-edit.ts";
import { applyPlanUpdate, mergeFetchedPlans, type ListedPlan } from "../src/state/plans.ts";

const task = (key: string, dependsOn: string[] = [], extra: Partial<PlanTask> = {}): PlanTask => ({
  key,
  title: `do ${key}`,
  prompt: `echo ${key}`,
  dependsOn,
  agentProfile: { driver: "shell" },
  touches: [`${key}.txt`],
  ...extra,
});
// What the server stores after a proposal under a $5 budget: the three tasks share it (5/3 each).
const plan = { budgetUsd: 5, tasks: [task("a", [], { budgetUsd: 5 / 3 }), task("b", [], { budgetUsd: 5 / 3 }), task("c", ["a", "b"], { budgetUsd: 5 / 3 })] };

const fields = (edit: ReturnType<typeof editFromPlan>) => {
  const result = toUpdate(edit);
  if (!result.ok) throw new Error(result.error);
  return result.fields;
};

describe("editing a draft plan", () => {
  it("sends the plan back exactly as stored when nothing was edited (a shared budget shows 4 decimals but keeps all of them)", () => {
    const edit = editFromPlan(plan);
    expect(edit.tasks.map((t) => t.budget)).toEqual(["1.6667", "1.6667", "1.6667"]);
    expect(isDirty(edit, plan)).toBe(false);
    const sent = fields(edit);
    expect(sent.budgetUsd).toBe(5);
    expect(sent.tasks.map((t) => t.budgetUsd)).toEqual([5 / 3, 5 / 3, 5 / 3]);
    expect(sent.tasks[2]).toEqual({ key: "c", title: "do c", prompt: "echo c", dependsOn: ["a", "b"], agentProfile: { driver: "shell" }, budgetUsd: 5 / 3, touches: ["c.txt"] });
  });

  it("edits a task's budget, title, prompt and driver; an emptied budget is none; the profile's model and config stay", () => {
    const withModel = { budgetUsd: null, tasks: [task("a", [], { agentProfile: { driver: "claude", model: "m", config: { env: { X: "1" } } } })] };
    let edit = editFromPlan(withModel);
    edit = setTaskField(edit, "a", "budget", "1.5");
    edit = setTaskField(edit, "a", "title", "  Do A well ");
    edit = setTaskField(edit, "a", "driver", "acp");
    edit = setTaskField(edit, "a", "driver", "nonsense");
    expect(isDirty(edit, withModel)).toBe(true);
    expect(fields(edit).tasks[0]).toMatchObject({ title: "Do A well", budgetUsd: 1.5, agentProfile: { driver: "acp", model: "m", config: { env: { X: "1" } } } });
    expect(fields(setTaskField(edit, "a", "budget", "")).tasks[0]!.budgetUsd).toBeUndefined();
    expect(fields(setPlanBudget(edit, "")).budgetUsd).toBeNull();
    expect(fields(setPlanBudget(edit, "12")).budgetUsd).toBe(12);
  });

  it("edits a task's model: trimmed, emptied is the driver's default, none for a shell agent, too long is refused", () => {
    const claude = { budgetUsd: null, tasks: [task("a", [], { agentProfile: { driver: "claude" } })] };
    let edit = setTaskField(editFromPlan(claude), "a", "model", "  claude-sonnet-4-5 ");
    expect(isDirty(edit, claude)).toBe(true);
    expect(fields(edit).tasks[0]!.agentProfile).toEqual({ driver: "claude", model: "claude-sonnet-4-5" });
    expect(fields(setTaskField(edit, "a", "model", "  ")).tasks[0]!.agentProfile).toEqual({ driver: "claude" });
    // A shell agent runs no model: the field's text is not sent.
    expect(fields(setTaskField(edit, "a", "driver", "shell")).tasks[0]!.agentProfile).toEqual({ driver: "shell" });
    const tooLong = toUpdate(setTaskField(edit, "a", "model", "m".repeat(121)));
    expect(tooLong).toEqual({ ok: false, error: "The model of task “do a” is longer than 120 characters." });
    edit = setTaskField(editFromPlan(claude), "a", "model", "");
    expect(fields(edit).tasks[0]!.agentProfile).toEqual({ driver: "claude" });
  });

  it("removes and adds dependencies; a task never depends on itself", () => {
    let edit = setDependency(editFromPlan(plan), "c", "b", false);
    expect(fields(edit).tasks.find((t) => t.key === "c")!.dependsOn).toEqual(["a"]);
    edit = setDependency(edit, "a", "c", true);
    // A cycle now (a → c → a): sent as it is, for the server to refuse with the reason.
    expect(fields(edit).tasks.find((t) => t.key === "a")!.dependsOn).toEqual(["c"]);
    expect(setDependency(edit, "b", "b", true).tasks.find((t) => t.key === "b")!.dependsOn).toEqual([]);
    expect(setDependency(setDependency(edit, "b", "a", true), "b", "a", true).tasks.find((t) => t.key === "b")!.dependsOn).toEqual(["a"]);
  });

  it("removing a task removes the dependencies on it; an added task gets a key of its own and must be filled in", () => {
    const removed = removeTask(editFromPlan(plan), "a");
    expect(removed.tasks.map((t) => [t.key, t.dependsOn])).toEqual([["b", []], ["c", ["b"]]]);
    const { edit, key } = addTask(addTask(removed).edit);
    expect(key).toBe("task-4");
    expect(edit.tasks.map((t) => t.key)).toEqual(["b", "c", "task-3", "task-4"]);
    expect(toUpdate(edit)).toEqual({ ok: false, error: "Task “task-3” needs a title." });
    const titled = setTaskField(setTaskField(edit, "task-3", "title", "Check"), "task-4", "title", "More");
    expect(toUpdate(titled)).toEqual({ ok: false, error: "Task “Check” needs a prompt." });
    const filled = setTaskField(setTaskField(titled, "task-3", "prompt", "npm test"), "task-4", "prompt", "npm run lint");
    expect(fields(filled).tasks.slice(2)).toEqual([
      { key: "task-3", title: "Check", prompt: "npm test", dependsOn: [], agentProfile: { driver: "claude" }, touches: [] },
      { key: "task-4", title: "More", prompt: "npm run lint", dependsOn: [], agentProfile: { driver: "claude" }, touches: [] },
    ]);
  });

  it("refuses budgets that are not positive numbers before anything is sent", () => {
    expect(toUpdate(setTaskField(editFromPlan(plan), "b", "budget", "-1"))).toEqual({ ok: false, error: "The budget of task “do b” must be a positive number of USD (or empty for none)." });
    expect(toUpdate(setTaskField(editFromPlan(plan), "b", "budget", "abc")).ok).toBe(false);
    expect(toUpdate(setPlanBudget(editFromPlan(plan), "0")).ok).toBe(false);
    expect(budgetText(null)).toBe("");
    expect(budgetText(2)).toBe("2");
  });
});

describe("the session's plans, live", () => {
  const row = (id: string, status: Plan["status"], createdAt: string, updatedAt = createdAt): ListedPlan => ({ id, sessionId: "s1", status, createdAt, updatedAt, tasks: [] });
  const update = (fields: Partial<ControlUpdate>): ControlUpdate => ({ entity: "plan", id: "p1", sessionId: "s1", action: "updated", ...fields });

  it("adds created plans newest first, replaces updated ones, ignores other sessions, entities and older rows", () => {
    const one = [row("p1", "planning", "2026-01-01T00:00:01Z")];
    const created = applyPlanUpdate(one, update({ id: "p2", action: "created", data: row("p2", "planning", "2026-01-01T00:00:02Z") }), "s1");
    expect(created.plans.map((p) => p.id)).toEqual(["p2", "p1"]);
    const drafted = applyPlanUpdate(created.plans, update({ data: row("p1", "draft", "2026-01-01T00:00:01Z", "2026-01-01T00:00:05Z") }), "s1");
    expect(drafted.plans.map((p) => [p.id, p.status])).toEqual([["p2", "planning"], ["p1", "draft"]]);
    const stale = applyPlanUpdate(drafted.plans, update({ data: row("p1", "planning", "2026-01-01T00:00:01Z", "2026-01-01T00:00:03Z") }), "s1");
    expect(stale.plans).toBe(drafted.plans);
    expect(applyPlanUpdate(drafted.plans, update({ sessionId: "s2" }), "s1").plans).toBe(drafted.plans);
    expect(applyPlanUpdate(drafted.plans, { entity: "task", id: "t1", sessionId: "s1", action: "updated" }, "s1").plans).toBe(drafted.plans);
    expect(applyPlanUpdate(drafted.plans, update({ status: "running" }), "s1")).toEqual({ plans: drafted.plans, refetch: true });
  });

  it("keeps a live row newer than a re-read that was on its way", () => {
    const live = [row("p1", "running", "2026-01-01T00:00:01Z", "2026-01-01T00:00:09Z")];
    const fetched = [row("p2", "draft", "2026-01-01T00:00:02Z"), row("p1", "draft", "2026-01-01T00:00:01Z", "2026-01-01T00:00:04Z")];
    expect(mergeFetchedPlans(live, fetched).map((p) => [p.id, p.status])).toEqual([["p2", "draft"], ["p1", "running"]]);
  });
});
