import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runPlanDemo } from "../src/demo/plan-demo.ts";
import { clientFor, removeHome, tempHome } from "./harness.ts";
import { waitForAsync } from "./agent-harness.ts";

const home = tempHome();
let demo: Awaited<ReturnType<typeof runPlanDemo>> | null = null;
afterAll(async () => {
  await demo?.close();
  removeHome(home);
});

describe("rozet demo --plan", () => {
  it("a goal becomes a plan that runs on a Claude agent and shell agents, the dependent task after both, the result in the workspace", async () => {
    demo = await runPlanDemo({ home, port: 0, quiet: true, webDist: null });
    const { api, close } = clientFor(demo.server.url);
    const plan = await waitForAsync(async () => {
      const current = await api.plan.get.query({ id: demo!.planId });
      return ["done", "failed", "cancelled"].includes(current.status) ? current : undefined;
    }, 90_000, "the plan to finish");
    expect(plan).toMatchObject({ status: "done", error: null });
    const tasks = await api.task.list.query({ sessionId: plan.sessionId });
    expect(tasks.map((t) => [t.planKey, t.status])).toEqual([["greet", "completed"], ["notes", "completed"], ["check", "completed"]]);
    const drivers = new Set((await api.agent.list.query({ sessionId: plan.sessionId })).map((a) => a.driver));
    expect([...drivers].sort()).toEqual(["claude", "shell"]);
    const session = await api.session.get.query({ id: plan.sessionId });
    expect(readFileSync(path.join(session.workspaceRoot!, "SUMMARY.txt"), "utf8")).toBe("hello from the plan\n# Notes\n\nPlanned by a Rozet planner.\n");
    const types = (await api.event.timeline.query({ sessionId: plan.sessionId, limit: 500 })).events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["plan.proposed", "plan.approved", "plan.started", "task.handoff", "plan.finished"]));
    await close();
  });
});
