import { describe, expect, it } from "vitest";
import type { ControlUpdate } from "../src/api/types.ts";
import { TASK_COLUMNS, applyTaskUpdate, groupTasks, mergeFetchedTasks, type BoardTask } from "../src/state/tasks.ts";

const task = (id: string, status: BoardTask["status"], createdAt = `2026-01-01T00:00:0${id.slice(-1)}Z`): BoardTask => ({ id, sessionId: "s1", status, createdAt });
const update = (fields: Partial<ControlUpdate>): ControlUpdate => ({ entity: "task", id: "t1", sessionId: "s1", action: "updated", ...fields });

describe("tasks board", () => {
  it("puts every status in exactly one column", () => {
    const statuses = TASK_COLUMNS.flatMap((c) => c.statuses);
    expect(new Set(statuses).size).toBe(statuses.length);
    expect([...statuses].sort()).toEqual(["blocked", "cancelled", "completed", "failed", "pending", "queued", "running", "waiting"]);
  });

  it("keeps a live update newer than a re-read that was on its way (a finished task never goes back to running)", () => {
    const at = (task: BoardTask, updatedAt: string) => ({ ...task, updatedAt });
    const live = [at(task("t1", "completed"), "2026-01-01T00:00:05.120Z"), at(task("t2", "queued"), "2026-01-01T00:00:01.000Z")];
    const fetched = [at(task("t1", "running"), "2026-01-01T00:00:05.020Z"), at(task("t2", "running"), "2026-01-01T00:00:02.000Z"), at(task("t3", "pending"), "2026-01-01T00:00:03.000Z")];
    expect(mergeFetchedTasks(live, fetched).map((t) => [t.id, t.status])).toEqual([
      ["t1", "completed"],
      ["t2", "running"],
      ["t3", "pending"],
    ]);
  });

  it("groups tasks into columns, oldest first", () => {
    const groups = groupTasks([task("t2", "running"), task("t1", "waiting"), task("t3", "pending"), task("t4", "cancelled"), task("t5", "blocked")]);
    expect(groups.waiting!.map((t) => t.id)).toEqual(["t1", "t3"]);
    expect(groups.blocked!.map((t) => t.id)).toEqual(["t5"]);
    expect(groups.running!.map((t) => t.id)).toEqual(["t2"]);
    expect(groups.stopped!.map((t) => t.id)).toEqual(["t4"]);
    expect(groups.done).toEqual([]);
  });

  it("applies created and updated tasks of its session and asks for a re-read without a row", () => {
    const created = applyTaskUpdate([task("t1", "pending")], update({ id: "t2", action: "created", data: task("t2", "queued") }), "s1");
    expect(created.tasks.map((t) => [t.id, t.status])).toEqual([["t1", "pending"], ["t2", "queued"]]);
    const moved = applyTaskUpdate(created.tasks, update({ id: "t1", data: task("t1", "running") }), "s1");
    expect(moved.tasks[0]!.status).toBe("running");
    expect(applyTaskUpdate(moved.tasks, update({ id: "t1", status: "completed" }), "s1").refetch).toBe(true);
    expect(applyTaskUpdate(moved.tasks, update({ sessionId: "s2", data: task("t1", "failed") }), "s1").tasks).toBe(moved.tasks);
  });
});
