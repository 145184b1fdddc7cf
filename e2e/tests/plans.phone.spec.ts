import { submitPlanStep } from "@rozet/model-stub";
import type { Page } from "@playwright/test";
import { describeViolations, expect, screenshot, seriousViolations, test, waitFor } from "../src/fixtures.ts";
import { horizontalOverflow, overflowingElements } from "../src/layout.ts";

/** The Plans view on a phone (390×844): a draft with its graph and editor, then the finished plan. */

const PLANNER = { lastUserTextIncludes: "You are the planner" };
const shellTask = (key: string, title: string, prompt: string, dependsOn: string[] = []) => ({ key, title, prompt, dependsOn, agentProfile: { driver: "shell" }, touches: [`src/${key}/a-rather-long-path/index.ts`] });

test.use({
  scenario: {
    name: "plan-phone",
    steps: [
      // Three tasks side by side, then one after all of them: the widest graph a phone is likely to get.
      submitPlanStep(
        [
          shellTask("api", "Add the endpoint with a rather long title to wrap", "echo api > api.txt"),
          shellTask("ui", "Build the page", "echo ui > ui.txt"),
          shellTask("docs", "Write the docs", "echo docs > docs.txt"),
          shellTask("check", "Check everything together", "cat api.txt ui.txt docs.txt > check.txt", ["api", "ui", "docs"]),
        ],
        { match: PLANNER },
      ),
      { match: PLANNER, content: [{ text: "Submitted." }] },
    ],
    fallback: { content: [{ text: "The stub has nothing scripted for this." }] },
  },
});

async function expectFits(page: Page, where: string): Promise<void> {
  const overflow = await horizontalOverflow(page);
  expect(overflow, `${where} is ${overflow} px wider than the screen: ${(await overflowingElements(page)).join(", ")}`).toBeLessThanOrEqual(0);
  const violations = await seriousViolations(page);
  expect(violations, `${where}:\n${describeViolations(violations)}`).toEqual([]);
}

test("a plan on a phone: the draft's graph and editor, then the done plan, with no sideways scroll and no serious axe findings", async ({ page, api, seed }) => {
  const session = await seed.session("plans-on-a-phone");
  const plan = await api.plan.create.mutate({ sessionId: session.id, goal: "ship the feature with docs, a page and an endpoint", budgetUsd: 8 });
  await waitFor(async () => ((await api.plan.get.query({ id: plan.id })).status === "draft" ? true : undefined), 90_000, "the draft");

  await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=plans&plan=${plan.id}`);
  await expect(page.locator(".plan-detail .task-node")).toHaveCount(4);
  // Top to bottom on a phone: the check comes below the three it waits on.
  const top = async (title: string) => (await page.locator(`.plan-detail .task-node[data-task="${title}"]`).boundingBox())!.y;
  expect(await top("Build the page")).toBeLessThan(await top("Check everything together"));
  await expectFits(page, "the draft");
  await page.locator(".plan-detail .task-graph").scrollIntoViewIfNeeded();
  await screenshot(page, "phone-plan-draft");

  await page.locator(".plan-detail").getByRole("button", { name: "Approve" }).tap();
  await expect(page.locator(".plan-detail .plan-head .pill")).toHaveText("done", { timeout: 90_000 });
  await expect(page.locator(".plan-detail .plan-task")).toHaveCount(4);
  await expectFits(page, "the done plan");
});
