import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { submitPlanStep, type ScenarioInput } from "@rozet/model-stub";
import type { Page } from "@playwright/test";
import { describeViolations, expect, screenshot, seriousViolations, test, timelineRow, waitFor, type ControlRoomFixtures } from "../src/fixtures.ts";

/**
 * The Plans view (docs/planning.md): a plan started from the page, the planner (real Claude Code answered by the
 * model stub) proposing tasks through submit_plan, the draft reviewed as a graph and edited, approved, and its tasks
 * run by shell agents to the end.
 */

const PLANNER = { lastUserTextIncludes: "You are the planner" };
const shellTask = (key: string, prompt: string, dependsOn: string[] = []) => ({ key, title: `write ${key}`, prompt, dependsOn, agentProfile: { driver: "shell" }, touches: [`${key}.txt`] });
const NOTHING_SCRIPTED = { content: [{ text: "The stub has nothing scripted for this." }] };

/** The stub planner proposes these shell tasks once, then says it submitted them. */
function plannerProposes(name: string, tasks: ReturnType<typeof shellTask>[]): ScenarioInput {
  return { name, steps: [submitPlanStep(tasks, { match: PLANNER }), { match: PLANNER, content: [{ text: "Submitted." }] }], fallback: NOTHING_SCRIPTED };
}

const planScenario: ScenarioInput = {
  name: "plan-page",
  steps: [
    // First a cycle (refused back to the planner, kept on the plan), then a valid plan: c after a and b.
    submitPlanStep([shellTask("a", "echo a > a.txt", ["b"]), shellTask("b", "echo b > b.txt", ["a"])], { match: PLANNER }),
    submitPlanStep([shellTask("a", "echo a > a.txt"), shellTask("b", "echo b > b.txt"), shellTask("c", "cat a.txt > c.txt", ["a", "b"])], { match: PLANNER }),
    { match: PLANNER, content: [{ text: "Submitted." }] },
  ],
  fallback: NOTHING_SCRIPTED,
};

const detail = (page: Page) => page.locator(".plan-detail");

/**
 * Starts a plan in a new session from the API, opens it in the page, approves the stub planner's draft and waits
 * until the operator is asked what to do about the failed task `taskKey`. Answers the plan and its decision card.
 */
async function approveUntilTaskFails(
  { page, api, seed }: Pick<ControlRoomFixtures, "api" | "seed"> & { page: Page },
  sessionName: string,
  goal: string,
  taskKey: string,
) {
  const session = await seed.session(sessionName);
  const plan = await api.plan.create.mutate({ sessionId: session.id, goal });
  await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=plans&plan=${plan.id}`);
  await expect(detail(page).locator(".plan-head .pill")).toHaveText("draft", { timeout: 90_000 });
  await detail(page).getByRole("button", { name: "Approve" }).click();
  const decision = detail(page).locator(".plan-decision");
  await expect(decision).toContainText(`Task failed: “write ${taskKey}”`, { timeout: 60_000 });
  return { plan, decision };
}
const node = (page: Page, title: string) => detail(page).locator(`.task-node[data-task="${title}"]`);
const editorTask = (page: Page, key: string) => detail(page).locator(`#plan-task-${key}`);

test.describe("a plan from the page", () => {
  test.use({ scenario: planScenario });

  test("start a plan, review its graph, edit a budget and a dependency (the server's refusal shown), approve, tasks run to done", async ({ page, api, seed }) => {
    const session = await seed.session("plans");
    await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=plans`);
    await expect(page.getByText("No plans yet.")).toBeVisible();

    await page.getByRole("button", { name: "New plan" }).click();
    const dialog = page.getByRole("dialog", { name: "New plan" });
    await dialog.getByLabel("Goal").fill("write the files");
    await dialog.getByLabel("Budget USD (optional)").fill("5");
    // The planner: Claude Code (an ACP agent shows its profiles), on the model typed here.
    await dialog.getByLabel("Planner", { exact: true }).selectOption("acp");
    await expect(dialog.getByLabel("ACP profile")).toBeVisible();
    await dialog.getByLabel("Planner", { exact: true }).selectOption("claude");
    await expect(dialog.getByLabel("ACP profile")).toHaveCount(0);
    await dialog.getByLabel("Planner model (optional)").fill("claude-sonnet-4-5");
    await dialog.getByRole("button", { name: "Plan it" }).click();
    await expect(dialog).toBeHidden();
    await expect(page).toHaveURL(/[?&]plan=/);
    const planId = new URL(page.url()).searchParams.get("plan")!;
    expect((await api.plan.get.query({ id: planId })).plannerProfile).toEqual({ driver: "claude", model: "claude-sonnet-4-5" });
    const plannerAgentId = await waitFor(async () => (await api.plan.get.query({ id: planId })).plannerAgentId, 30_000, "the planner agent");
    expect((await api.agent.get.query({ id: plannerAgentId })).model).toBe("claude-sonnet-4-5");

    // Live: planning, then the draft the planner proposed after its first proposal was refused.
    await expect(page.locator(".plan-card")).toHaveCount(1);
    await expect(detail(page).locator(".plan-head .pill")).toHaveText("draft", { timeout: 90_000 });
    await expect(page.locator(".plan-card .pill")).toHaveText("draft");
    await expect(detail(page).locator(".plan-refusals summary")).toContainText("refused: 1 of at most 3");
    await detail(page).locator(".plan-refusals summary").click();
    await expect(detail(page).locator(".plan-refusals")).toContainText('the dependencies form a cycle: "a" → "b" → "a"');

    // The graph: a and b first, c after both.
    await expect(detail(page).locator(".task-node")).toHaveCount(3);
    await expect(detail(page).locator(".task-graph-edges > path")).toHaveCount(2);
    const left = async (title: string) => (await node(page, title).boundingBox())!.x;
    expect(await left("write a")).toBeLessThan(await left("write c"));
    expect(await left("write b")).toBeLessThan(await left("write c"));
    await expect(node(page, "write c")).toContainText("proposed");
    for (const theme of ["light", "dark"] as const) {
      await page.evaluate((t) => localStorage.setItem("rozet.theme", t), theme);
      await page.reload();
      await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
      await expect(detail(page).locator(".task-node")).toHaveCount(3);
      const violations = await seriousViolations(page);
      expect(violations, `${theme}: ${describeViolations(violations)}`).toEqual([]);
      if (theme === "light") await screenshot(page, "plan-draft");
    }

    // An edit the server refuses: the task budgets over the plan's. The reason shows next to the form; nothing stored.
    await editorTask(page, "b").getByLabel("Budget USD").fill("9");
    await detail(page).getByRole("button", { name: "Save changes" }).click();
    await expect(detail(page).locator(".plan-edit-error")).toContainText("over the plan's budget of $5");
    expect((await api.plan.get.query({ id: planId })).tasks.find((t) => t.key === "b")!.budgetUsd).toBeCloseTo(5 / 3);

    // A shell task has no model field; switched to Claude it has one (switched back before saving: the stub scripts shell work).
    await expect(editorTask(page, "a").getByLabel("Model (optional)")).toHaveCount(0);
    await editorTask(page, "a").getByLabel("Agent (when none is idle)").selectOption("claude");
    await expect(editorTask(page, "a").getByLabel("Model (optional)")).toBeVisible();
    await editorTask(page, "a").getByLabel("Agent (when none is idle)").selectOption("shell");

    // The budget fixed, and c no longer waits for b: the graph follows the edit at once.
    await editorTask(page, "b").getByLabel("Budget USD").fill("1.5");
    await editorTask(page, "c").getByRole("checkbox", { name: "write b" }).uncheck();
    await expect(detail(page).locator(".task-graph-edges > path")).toHaveCount(1);
    // Editing again clears the last refusal.
    await expect(detail(page).locator(".plan-edit-error")).toHaveCount(0);
    await detail(page).getByRole("button", { name: "Save and approve" }).click();

    await expect(detail(page).locator(".plan-head .pill")).toHaveText(/running|done/);
    const stored = await api.plan.get.query({ id: planId });
    expect(stored.tasks.find((t) => t.key === "b")!.budgetUsd).toBe(1.5);
    expect(stored.tasks.find((t) => t.key === "c")!.dependsOn).toEqual(["a"]);
    expect(stored.tasks.every((t) => t.taskId)).toBe(true);

    // Every task runs to the end; the plan is done; each task links to its events on the timeline.
    await expect(detail(page).locator(".plan-head .pill")).toHaveText("done", { timeout: 90_000 });
    for (const key of ["a", "b", "c"]) await expect(detail(page).locator(`#plan-task-${key} .pill`)).toHaveText("completed");
    await expect(node(page, "write c")).toContainText("completed");
    await expect(detail(page).getByRole("button", { name: /Approve/ })).toHaveCount(0);
    const c = stored.tasks.find((t) => t.key === "c")!;
    await detail(page).locator("#plan-task-c").getByRole("link", { name: "Events of write c" }).click();
    await expect(page).toHaveURL(new RegExp(`[?&]task=${c.taskId}`));
    await expect(page.locator(".task-filter-chip")).toContainText("Events of task write c");
    await expect(page.locator(".tl-list")).toContainText("write c");

    // The plan's events on the timeline name the plan and lead back to it.
    await page.getByRole("button", { name: "Show all events" }).click();
    // Found as an operator would: the timeline is virtual, and with the page following live the approval (one of ~55
    // events) may be scrolled out of the rendered rows (CI met it).
    await page.getByRole("searchbox", { name: "Search", exact: true }).fill("plan.approved");
    await timelineRow(page, "plan.approved").locator("a").click();
    const planRef = page.locator('.inspector [data-ref="plan"]');
    await expect(planRef).toHaveText("write the files");
    await planRef.click();
    await expect(page).toHaveURL(new RegExp(`[?&]view=plans&plan=${planId}`));
    await expect(detail(page).locator(".plan-head .pill")).toHaveText("done");
  });
});

test.describe("a failed task asks the operator", () => {
  test.use({
    scenario: plannerProposes("plan-page-failing", [shellTask("build", "echo broken >&2; exit 3")]),
  });

  test("the decision after a failed task shows with its buttons; Stop fails the plan", async ({ page, api, seed }) => {
    const { plan, decision } = await approveUntilTaskFails({ page, api, seed }, "plans-failing", "build it", "build");
    await expect(decision.getByRole("button")).toHaveText(["Retry the task", "Replan", "Stop the plan"]);
    await decision.getByRole("button", { name: "Stop the plan" }).click();
    await expect(detail(page).locator(".plan-head .pill")).toHaveText("failed");
    await expect(decision).toHaveCount(0);
    await expect(detail(page).locator(".plan-error")).toBeVisible();
    expect((await api.plan.get.query({ id: plan.id })).status).toBe("failed");
  });
});

// A shell task that fails on its first run and succeeds when run again (its marker outlives the run; fresh per worker).
const retryMarker = path.join(os.tmpdir(), `rozet-e2e-retry-${process.pid}-${Date.now()}`);
const REPLAN = { lastUserTextIncludes: "This is a replan" };

test.describe("Retry the task, end to end", () => {
  test.use({
    scenario: plannerProposes("plan-page-retry", [shellTask("flaky", `test -f '${retryMarker}' || { touch '${retryMarker}'; echo first run fails >&2; exit 3; }; echo ok > flaky.txt`)]),
  });
  test.afterAll(() => rmSync(retryMarker, { force: true }));

  test("the failed task runs again from the decision's button and the plan finishes", async ({ page, api, seed }) => {
    const { plan, decision } = await approveUntilTaskFails({ page, api, seed }, "plans-retry", "flaky build", "flaky");
    await expect(detail(page).locator("#plan-task-flaky .pill")).toHaveText("failed");
    await decision.getByRole("button", { name: "Retry the task" }).click();
    await expect(decision).toHaveCount(0);
    await expect(detail(page).locator(".plan-head .pill")).toHaveText("done", { timeout: 60_000 });
    await expect(detail(page).locator("#plan-task-flaky .pill")).toHaveText("completed");

    const stored = await api.plan.get.query({ id: plan.id });
    expect(stored).toMatchObject({ status: "done", round: 1, decision: null });
    // The same task ran twice (no new task, no new round).
    const task = await api.task.get.query({ id: stored.tasks[0]!.taskId! });
    expect(task).toMatchObject({ status: "completed", attempts: 2 });
  });
});

test.describe("Replan, end to end", () => {
  test.use({
    scenario: {
      name: "plan-page-replan",
      steps: [
        submitPlanStep([shellTask("setup", "echo ready > setup.txt"), shellTask("build", "echo broken >&2; exit 3", ["setup"])], { match: PLANNER }),
        { match: PLANNER, content: [{ text: "Submitted." }] },
        submitPlanStep([shellTask("fix", "cat setup.txt > fix.txt")], { match: REPLAN }),
        { match: REPLAN, content: [{ text: "Replanned." }] },
      ],
      fallback: NOTHING_SCRIPTED,
    },
  });

  test("the planner is asked again with the failure; its new draft (round 2) is approved and runs", async ({ page, api, seed, controlRoom }) => {
    const { plan, decision } = await approveUntilTaskFails({ page, api, seed }, "plans-replan", "build it", "build");
    await decision.getByRole("button", { name: "Replan" }).click();
    await expect(decision).toHaveCount(0);

    // A new draft from the planner's second round: only the new task, to approve again.
    await expect(detail(page).locator(".plan-head .pill")).toHaveText("draft", { timeout: 90_000 });
    await expect(detail(page).locator(".plan-metrics")).toContainText("Round2");
    await expect(detail(page).locator(".task-node")).toHaveCount(1);
    await expect(node(page, "write fix")).toBeVisible();
    const replanPrompt = controlRoom.stub.requests.find((r) => r.lastUserText?.includes("This is a replan"))?.lastUserText;
    expect(replanPrompt).toContain("Failed: write build");
    expect(replanPrompt).toContain("Finished: write setup");

    await detail(page).getByRole("button", { name: "Approve" }).click();
    await expect(detail(page).locator(".plan-head .pill")).toHaveText("done", { timeout: 60_000 });
    await expect(detail(page).locator("#plan-task-fix .pill")).toHaveText("completed");
    const stored = await api.plan.get.query({ id: plan.id });
    expect(stored).toMatchObject({ status: "done", round: 2 });
    expect(stored.tasks.map((t) => t.key)).toEqual(["fix"]);
  });
});

test.describe("auto-approve from the page", () => {
  test.use({
    scenario: plannerProposes("plan-page-auto", [shellTask("solo", "echo solo > solo.txt")]),
  });

  test("the switch turns autoApprovePlans on; a plan started after it runs with no Approve", async ({ page, api, seed }) => {
    const session = await seed.session("plans-auto");
    await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=plans`);
    const toggle = page.getByRole("switch", { name: "Approve plans by themselves" });
    const setting = page.locator(".plan-auto-approve");
    await expect(toggle).not.toBeChecked();
    await expect(setting).toContainText("each proposed plan waits for your approval");
    await toggle.click();
    await expect(toggle).toBeChecked();
    await expect(setting).toContainText("plans proposed from now on run without approval");
    await waitFor(async () => ((await api.session.get.query({ id: session.id })).autoApprovePlans ? true : undefined), 10_000, "autoApprovePlans stored");

    await page.getByRole("button", { name: "New plan" }).click();
    const dialog = page.getByRole("dialog", { name: "New plan" });
    await dialog.getByLabel("Goal").fill("write solo");
    await dialog.getByRole("button", { name: "Plan it" }).click();
    await expect(dialog).toBeHidden();
    const pill = detail(page).locator(".plan-head .pill");
    // Never a draft waiting for someone: approved as proposed, run to the end.
    await expect(pill).toHaveText("done", { timeout: 90_000 });
    await expect(detail(page).locator("#plan-task-solo .pill")).toHaveText("completed");
    const planId = new URL(page.url()).searchParams.get("plan")!;
    const events = await api.event.timeline.query({ sessionId: session.id, types: ["plan.approved"] });
    expect(events.events.map((e) => e.type)).toEqual(["plan.approved"]);
    expect((await api.plan.get.query({ id: planId })).status).toBe("done");
  });
});

test.describe("a viewer", () => {
  test.use({ scenario: planScenario, roomAccess: { token: "e2e-admin-token-0123456789" } });

  test("reads a draft plan (graph, tasks, refusals) and gets no plan controls", async ({ page, api, seed }) => {
    const session = await seed.session("plans-viewed");
    const plan = await api.plan.create.mutate({ sessionId: session.id, goal: "write the files" });
    await waitFor(async () => ((await api.plan.get.query({ id: plan.id })).status === "draft" ? true : undefined), 90_000, "the draft");
    const { secret } = await api.token.create.mutate({ name: "watcher", role: "viewer" });
    await page.goto("/");
    await page.evaluate((token) => localStorage.setItem("rozet.token", token), secret);
    await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=plans&plan=${plan.id}`);
    await expect(page.getByText("read-only (viewer)")).toBeVisible();

    await expect(detail(page).locator(".task-node")).toHaveCount(3);
    await expect(detail(page).locator("#plan-task-c")).toContainText("after write a, write b");
    await expect(detail(page).locator(".plan-refusals summary")).toContainText("refused: 1");
    await expect(page.getByRole("button", { name: "New plan" })).toHaveCount(0);
    await expect(page.getByRole("switch")).toHaveCount(0);
    await expect(detail(page).getByRole("button")).toHaveCount(0);
    await expect(detail(page).getByRole("textbox")).toHaveCount(0);
  });
});

test.describe("observe-only", () => {
  test.use({ roomAccess: { observeOnly: true } });

  test("the plans view says why there are no plan controls", async ({ page, seed }) => {
    const session = await seed.session("plans-observed");
    await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=plans`);
    await expect(page.getByRole("note")).toContainText("Observe-only room: plans can be read here");
    await expect(page.getByText("No plans yet.")).toBeVisible();
    await expect(page.getByRole("button", { name: "New plan" })).toHaveCount(0);
    await expect(page.getByRole("switch")).toHaveCount(0);
  });
});
