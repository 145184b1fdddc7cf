import { readFileSync } from "node:fs";
import path from "node:path";
import { submitPlanStep, type ScenarioInput } from "@rozet/model-stub";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";

// Approved plans carried out by the coordinator: real planner (Claude Code at the model stub), real shell and Claude
// agents doing the tasks through the task scheduler.

let world: Awaited<ReturnType<typeof startAgentWorld>> | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const PLANNER = { lastUserTextIncludes: "You are the planner" };
const REPLAN = { lastUserTextIncludes: "This is a replan" };
const shell = (key: string, prompt: string, dependsOn: string[] = []) => ({ key, title: `do ${key}`, prompt, dependsOn, agentProfile: { driver: "shell" }, touches: [`${key}.txt`] });

/** `scenario` may take the stub's environment (for Claude agents a plan starts). */
async function startPlan(scenario: ScenarioInput | ((env: Record<string, string>) => ScenarioInput), opts: { budgetUsd?: number; autoApprovePlans?: boolean } = {}) {
  world = await startAgentWorld({ steps: [] });
  const w = world;
  w.stub.setScenario(typeof scenario === "function" ? scenario(stubEnv(w.stub.url)) : scenario);
  const session = await w.api.session.create.mutate({ name: "plan runs", ...(opts.autoApprovePlans ? { autoApprovePlans: true } : {}) });
  const plan = await w.api.plan.create.mutate({
    sessionId: session.id,
    goal: "write the files",
    profile: { driver: "claude", config: { env: stubEnv(w.stub.url) } },
    ...(opts.budgetUsd ? { budgetUsd: opts.budgetUsd } : {}),
  });
  const planIn = (check: (p: Awaited<ReturnType<typeof w.api.plan.get.query>>) => boolean, label: string, timeoutMs = 60_000) =>
    waitForAsync(async () => {
      const current = await w.api.plan.get.query({ id: plan.id });
      return check(current) ? current : undefined;
    }, timeoutMs, label);
  return { w, session, plan, planIn };
}

describe("the coordinator runs approved plans", () => {
  it("edit and approve: an invalid edit is refused, the edited graph runs (independent tasks in parallel, the dependent one after both)", async () => {
    const { w, session, plan, planIn } = await startPlan({
      steps: [
        submitPlanStep([shell("a", "sleep 1; echo a > a.txt"), shell("b", "sleep 1; echo b > b.txt"), shell("c", "cat a.txt > c.txt", ["a"])], { match: PLANNER }),
        { match: PLANNER, content: [{ text: "Submitted." }] },
      ],
    });
    const draft = await planIn((p) => p.status === "draft", "the draft");

    const cyclic = draft.tasks.map((t) => (t.key === "a" ? { ...t, dependsOn: ["c"] } : t));
    await expect(w.api.plan.update.mutate({ id: plan.id, tasks: cyclic })).rejects.toThrow(/tasks: the dependencies form a cycle/);
    expect((await w.api.plan.get.query({ id: plan.id })).tasks).toEqual(draft.tasks);
    const edited = draft.tasks.map((t) => (t.key === "c" ? { ...t, prompt: "cat a.txt b.txt > c.txt", dependsOn: ["a", "b"] } : t));
    const updated = await w.api.plan.update.mutate({ id: plan.id, tasks: edited });
    expect(updated.tasks.find((t) => t.key === "c")?.dependsOn).toEqual(["a", "b"]);
    expect(await w.api.task.list.query({ sessionId: session.id })).toEqual([]);

    const approved = await w.api.plan.approve.mutate({ id: plan.id });
    expect(approved.status).toBe("running");
    expect(approved.tasks.every((t) => t.taskId)).toBe(true);
    await expect(w.api.plan.approve.mutate({ id: plan.id })).rejects.toThrow(/only a draft can be approved/);
    const done = await planIn((p) => p.status === "done" || p.status === "failed", "the plan to finish");
    expect(done).toMatchObject({ status: "done", error: null, decision: null });
    expect(readFileSync(path.join(session.workspaceRoot!, "c.txt"), "utf8")).toBe("a\nb\n");

    // a and b ran at the same time (each on an agent started from its profile); c only after both.
    const runOf = async (key: string) => {
      const [command] = await w.server.room.prisma.command.findMany({ where: { taskId: done.tasks.find((t) => t.key === key)!.taskId! } });
      return { start: command!.startedAt!.getTime(), end: command!.finishedAt!.getTime(), agentId: command!.agentId };
    };
    const [a, b, c] = [await runOf("a"), await runOf("b"), await runOf("c")];
    expect(a.agentId).not.toBe(b.agentId);
    expect(a.start).toBeLessThan(b.end);
    expect(b.start).toBeLessThan(a.end);
    expect(c.start).toBeGreaterThanOrEqual(Math.max(a.end, b.end));
    const tasks = await w.api.task.list.query({ sessionId: session.id });
    expect(tasks.map((t) => [t.planKey, t.planId, t.status])).toEqual([["a", plan.id, "completed"], ["b", plan.id, "completed"], ["c", plan.id, "completed"]]);
    // plan.finished is committed by the event writer, possibly just after the plan row says done.
    const types = async () => (await w.timeline(session.id)).map((e) => e.type).filter((t) => t.startsWith("plan."));
    await expect.poll(types, { timeout: 5_000 }).toEqual(["plan.created", "plan.proposed", "plan.updated", "plan.approved", "plan.started", "plan.finished"]);
  });

  it("a failed task asks the operator; replan gives the planner the failure and the finished work, and the new plan finishes", async () => {
    const { w, session, plan, planIn } = await startPlan({
      steps: [
        submitPlanStep([shell("setup", "echo ready > setup.txt"), shell("build", "echo broken >&2; exit 3", ["setup"])], { match: PLANNER }),
        { match: PLANNER, content: [{ text: "Submitted." }] },
        submitPlanStep([shell("fix", "cat setup.txt > fixed.txt")], { match: REPLAN }),
        { match: REPLAN, content: [{ text: "Replanned." }] },
      ],
    });
    await planIn((p) => p.status === "draft", "the draft");
    await w.api.plan.approve.mutate({ id: plan.id });
    const asking = await planIn((p) => p.decision !== null, "the decision");
    expect(asking).toMatchObject({ status: "running", decision: { title: "do build", options: ["retry", "replan", "stop"] } });
    expect(asking.decision!.error).toMatch(/exit|3/);

    const replanning = await w.api.plan.decide.mutate({ id: plan.id, decision: "replan" });
    expect(replanning).toMatchObject({ status: "planning", round: 2, decision: null });
    const draft = await planIn((p) => p.status === "draft", "the second draft");
    expect(draft.tasks.map((t) => t.key)).toEqual(["fix"]);
    const replanPrompt = w.stub.requests.find((r) => r.lastUserText?.includes("This is a replan"))!.lastUserText!;
    expect(replanPrompt).toContain("Finished: do setup");
    expect(replanPrompt).toContain("Failed: do build");

    await w.api.plan.approve.mutate({ id: plan.id });
    const done = await planIn((p) => p.status === "done" || p.status === "failed", "the plan to finish");
    expect(done.status).toBe("done");
    expect(readFileSync(path.join(session.workspaceRoot!, "fixed.txt"), "utf8")).toBe("ready\n");
    const types = (await w.timeline(session.id)).map((e) => e.type).filter((t) => t.startsWith("plan."));
    expect(types).toEqual(expect.arrayContaining(["plan.decision_needed", "plan.decided"]));
    expect(types.filter((t) => t === "plan.proposed")).toHaveLength(2);
  });

  it("the plan's budget: tasks share it, and spending it stops the plan (auto-approved: nobody had to approve)", async () => {
    const costly = { lastUserTextIncludes: "spend it" };
    const { w, plan, planIn } = await startPlan((env) => ({
      steps: [
        submitPlanStep([
          { key: "spend", title: "spend", prompt: "spend it", dependsOn: [], agentProfile: { driver: "claude", config: { env } }, touches: [] },
          { key: "after", title: "after", prompt: "never runs", dependsOn: ["spend"], agentProfile: { driver: "shell" }, touches: [] },
        ], { match: PLANNER }),
        { match: PLANNER, content: [{ text: "Submitted." }] },
        { match: costly, content: [{ text: "That was expensive." }], usage: { input_tokens: 1_000, output_tokens: 200_000 } },
      ],
    }), { budgetUsd: 0.05, autoApprovePlans: true });
    const failed = await planIn((p) => ["done", "failed"].includes(p.status), "the plan to stop");
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/plan budget reached: \$\d+\.\d+ of \$0\.05/);
    expect(failed.costUsd).toBeGreaterThanOrEqual(0.05);
    expect(failed.tasks.map((t) => t.budgetUsd)).toEqual([0.025, 0.025]);
    const tasks = await w.api.task.list.query({ sessionId: failed.sessionId });
    expect(tasks.find((t) => t.planKey === "after")?.status).toBe("cancelled");
    const types = (await w.timeline(failed.sessionId)).map((e) => e.type).filter((t) => t.startsWith("plan."));
    expect(types).toContain("plan.approved");
    expect(plan.id).toBe(failed.id);
  });
});
