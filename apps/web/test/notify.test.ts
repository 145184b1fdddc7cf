import { describe, expect, it } from "vitest";
import { noticeFor } from "../src/lib/notify.ts";

describe("noticeFor", () => {
  it("notifies a new permission request once", () => {
    const seen = new Map<string, string>();
    const update = { entity: "permission", id: "p1", sessionId: "s1", action: "created", status: "pending", data: { toolName: "Write", input: { file_path: "/w/a.txt" } } } as const;
    expect(noticeFor(update, seen)).toMatchObject({ kind: "permission", title: "Permission needed: Write", body: "/w/a.txt", href: "/permissions" });
    expect(noticeFor(update, seen)).toBeNull();
  });

  it("notifies an agent that failed, once per failure", () => {
    const seen = new Map<string, string>();
    const failed = { entity: "agent", id: "a1", sessionId: "s1", action: "updated", status: "failed", data: { name: "writer", lastError: "API error 401" } } as const;
    expect(noticeFor({ ...failed, status: "busy" }, seen)).toBeNull();
    expect(noticeFor(failed, seen)).toMatchObject({ kind: "agent-failed", title: "Agent writer failed", body: "API error 401", href: "/sessions/s1" });
    expect(noticeFor(failed, seen)).toBeNull();
    expect(noticeFor({ ...failed, status: "starting" }, seen)).toBeNull();
    expect(noticeFor(failed, seen)).not.toBeNull();
  });

  it("notifies finished and failed tasks, not other changes", () => {
    const seen = new Map<string, string>();
    const task = { entity: "task", id: "t1", sessionId: "s1", action: "updated", data: { title: "Write the README", result: "done" } } as const;
    expect(noticeFor({ ...task, status: "running" }, seen)).toBeNull();
    expect(noticeFor({ ...task, status: "completed" }, seen)).toMatchObject({ kind: "task-finished", title: "Task finished: Write the README", body: "done" });
    expect(noticeFor({ entity: "stats", id: "s1", sessionId: "s1", action: "updated", data: {} }, seen)).toBeNull();
  });
});
