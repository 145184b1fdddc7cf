import { existsSync } from "node:fs";
import path from "node:path";
import { submitPlanStep, type ScenarioInput } from "@rozet/model-stub";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";

// Plans with a real planner: Claude Code at the model stub, given the control room's submit_plan tool.

let world: Awaited<ReturnType<typeof startAgentWorld>> | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const PLANNER_PROMPT = "You are the planner";
const task = (key: string, dependsOn: string[] = [], extra: Record<string, unknown> = {}) => ({ key, title: `do ${key}`, prompt: `echo ${key}`, dependsOn, touches: [`src/${key}.ts`], ...extra });

async function startPlanning(scenario: ScenarioInput, plan: { budgetUsd?: number; maxRefusals?: number } = {}) {
  world = await startAgentWorld(scenario);
  const w = world;
  const session = await w.api.session.create.mutate({ name: "plans" });
  const created = await w.api.plan.create.mutate({ sessionId: session.id, goal: "add a greeting module", profile: { driver: "claude", config: { env: stubEnv(w.stub.url) } }, ...plan });
  expect(created.status).toBe("planning");
  const settled = await waitForAsync(async () => {
    const current = await w.api.plan.get.query({ id: created.id });
    return current.status !== "planning" ? current : undefined;
  }, 60_000, "the planner to settle");
  return { w, session, plan: settled };
}

describe("plan.create: a read-only planner answers through submit_plan", () => {
  it("a valid plan becomes a draft: tasks in dependency order, nothing run, the planner stopped", async () => {
    const { w, session, plan } = await startPlanning({
      steps: [
        submitPlanStep([task("tests", ["api"]), task("api")], { match: { lastUserTextIncludes: PLANNER_PROMPT } }),
        { content: [{ text: "Plan submitted." }] },
      ],
    });
    expect(plan).toMatchObject({ status: "draft", round: 1, refusals: [], error: null });
    expect(plan.tasks.map((t) => t.key)).toEqual(["api", "tests"]);
    expect(plan.tasks[1]).toMatchObject({ title: "do tests", dependsOn: ["api"], touches: ["src/tests.ts"] });
    // Nothing runs before approval.
    expect(await w.api.task.list.query({ sessionId: session.id })).toEqual([]);

    // The planner was given submit_plan and no tool that writes; the goal was in its prompt.
    const planning = w.stub.requests.find((r) => r.lastUserText?.includes(PLANNER_PROMPT));
    expect(planning?.lastUserText).toContain("add a greeting module");
    expect(planning?.toolNames).toContain("mcp__rozet__submit_plan");
    expect(planning?.toolNames).toEqual(expect.arrayContaining(["Read"]));
    for (const writing of ["Write", "Edit", "Bash"]) expect(planning?.toolNames).not.toContain(writing);

    const planner = await w.api.agent.get.query({ id: plan.plannerAgentId! });
    await w.agentInStatus(planner.id, "stopped");
    const types = (await w.timeline(session.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["plan.created", "plan.proposed"]));
    expect(types).not.toContain("plan.refused");
  });

  it("invalid plans are refused back with the reason and corrected; the reasons stay on the plan", async () => {
    const { w, session, plan } = await startPlanning({
      steps: [
        submitPlanStep([task("a", ["b"]), task("b", ["a"])], { match: { lastUserTextIncludes: PLANNER_PROMPT } }),
        submitPlanStep([task("a"), task("b", ["nope"])]),
        submitPlanStep([task("a", [], { budgetUsd: 3 }), task("b", ["a"], { budgetUsd: 3 })]),
        submitPlanStep([task("a", [], { budgetUsd: 3 }), task("b", ["a"])]),
        { content: [{ text: "Done." }] },
      ],
    }, { budgetUsd: 5 });
    expect(plan.status).toBe("draft");
    expect(plan.refusals.map((r) => r.reason)).toEqual([
      'the dependencies form a cycle: "a" → "b" → "a"',
      'task "b" depends on unknown task "nope"',
      "the task budgets add up to $6, over the plan's budget of $5",
    ]);
    // A task without a budget gets what the others leave of the plan's.
    expect(plan.tasks.map((t) => t.budgetUsd)).toEqual([3, 2]);
    // The reason reached the planner as the tool's result.
    const afterCycle = w.stub.requests.find((r) => r.step === 1);
    expect(JSON.stringify(afterCycle?.body)).toContain("the dependencies form a cycle");
    const refused = (await w.timeline(session.id)).filter((e) => e.type === "plan.refused");
    expect(refused.map((e) => e.status)).toEqual(["refused", "refused", "refused"]);
  });

  it("after maxRefusals refusals the next invalid plan fails the plan with the reasons", async () => {
    const { w, session, plan } = await startPlanning({
      steps: [
        submitPlanStep([], { match: { lastUserTextIncludes: PLANNER_PROMPT } }),
        submitPlanStep([task("x", ["x"])]),
        { content: [{ text: "I give up." }] },
      ],
    }, { maxRefusals: 1 });
    expect(plan.status).toBe("failed");
    expect(plan.error).toMatch(/no valid plan after 1 refusals: the plan has no tasks \| task "x" depends on itself/);
    const finished = (await w.timeline(session.id)).find((e) => e.type === "plan.finished");
    expect(finished?.status).toBe("failed");
  });

  it("a planner that ends its turn without a plan is told so, and a JSON answer counts as a submission", async () => {
    const json = JSON.stringify({ tasks: [task("only")] });
    const { plan } = await startPlanning({
      steps: [
        { match: { lastUserTextIncludes: PLANNER_PROMPT }, content: [{ text: "I think we should add a module." }] },
        { match: { lastUserTextIncludes: "no plan was submitted" }, content: [{ text: "Here it is:\n```json\n" + json + "\n```" }] },
      ],
    });
    expect(plan).toMatchObject({ status: "draft", tasks: [expect.objectContaining({ key: "only" })] });
    expect(plan.refusals).toHaveLength(1);
  });
});

describe("planners on other drivers are read-only too", () => {
  it("an ACP planner (Claude ACP adapter) that tries to write is refused at once, on the timeline, and still proposes", async () => {
    const json = JSON.stringify({ tasks: [task("only")] });
    const planning = { lastUserTextIncludes: PLANNER_PROMPT, hasTools: true };
    world = await startAgentWorld({
      steps: [
        { match: planning, content: [{ text: "Notes first." }, { tool_use: { name: "Write", input: { file_path: "{{cwd}}/planner-notes.txt", content: "mine\n" } } }] },
        { match: planning, content: [{ text: "The plan:\n```json\n" + json + "\n```" }] },
      ],
    });
    const w = world;
    const session = await w.api.session.create.mutate({ name: "acp planner" });
    const created = await w.api.plan.create.mutate({ sessionId: session.id, goal: "add a greeting module", profile: { driver: "acp", config: { profile: "claude", env: stubEnv(w.stub.url) } } });
    const plan = await waitForAsync(async () => {
      const current = await w.api.plan.get.query({ id: created.id });
      return current.status !== "planning" ? current : undefined;
    }, 90_000, "the planner to settle");
    expect(plan).toMatchObject({ status: "draft", tasks: [expect.objectContaining({ key: "only" })] });
    expect(existsSync(path.join(session.workspaceRoot!, "planner-notes.txt"))).toBe(false);

    // Refused without asking anyone: stored as denied by the read-only guard, with the reason.
    const requests = await w.api.permission.list.query({ sessionId: session.id, limit: 10 });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ agentId: plan.plannerAgentId, status: "denied", answeredBy: "read-only" });
    expect(requests[0]!.toolName).toMatch(/Write|planner-notes/);
    const answered = (await w.timeline(session.id)).filter((e) => e.type === "permission.answered");
    expect(answered.map((e) => e.summary)).toEqual([expect.stringContaining("planner is read-only")]);
    // The planner was told from the start (ACP carries no reason with a refusal).
    const first = w.stub.requests.find((r) => r.lastUserText?.includes(PLANNER_PROMPT));
    expect(first?.lastUserText).toContain("planner is read-only");
  }, 150_000);

  it("a shell planner is refused at plan.create with a 400 naming the field (a command line cannot be made read-only)", async () => {
    world = await startAgentWorld({ steps: [] });
    const w = world;
    const session = await w.api.session.create.mutate({ name: "shell planner" });
    const refused = (await w.api.plan.create.mutate({ sessionId: session.id, goal: "anything", profile: { driver: "shell" } }).catch((error: unknown) => error)) as { message: string; data?: { httpStatus: number } };
    expect(refused.data?.httpStatus).toBe(400);
    expect(refused.message).toContain("profile.driver");
    expect(refused.message).toContain("read-only");
    expect(await w.api.plan.list.query({ sessionId: session.id })).toEqual([]);
    // Nor can a shell agent be created read-only.
    const agent = (await w.api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell", config: { readOnly: true } }).catch((error: unknown) => error)) as { message: string; data?: { httpStatus: number } };
    expect([agent.data?.httpStatus, agent.message]).toEqual([400, expect.stringContaining("config.readOnly")]);
    expect(await w.api.agent.list.query({ sessionId: session.id })).toEqual([]);
  });
});
