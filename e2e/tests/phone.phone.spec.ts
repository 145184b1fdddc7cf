import { existsSync } from "node:fs";
import path from "node:path";
import { expect, journeyScenario, screenshot, test, waitFor } from "../src/fixtures.ts";

/** The phone project (390×844, touch): a session with a real Claude agent, answered from the inbox by taps. */
test.use({ scenario: journeyScenario });

test("works on a phone: the inbox and answering a request at 390×844", async ({ page, seed, api }) => {
  const session = await seed.session("journey");
  await seed.claudeAgent(session.id, "writer", { budgetUsd: 5 });
  const workspace = (await api.session.get.query({ id: session.id })).workspaceRoot!;

  await page.goto(`/sessions/${encodeURIComponent(session.id)}`);
  // The timeline comes first on a phone; the roster is behind the Agents button.
  await page.getByRole("button", { name: /^Agents/ }).tap();
  await page.locator(`.agent-card[data-agent="writer"][data-status="idle"]`).waitFor({ timeout: 60_000 });
  await page.getByRole("button", { name: /^Agents/ }).tap();
  await screenshot(page, "phone-session");
  await page.locator("#command-text").fill("write from the phone");
  await page.getByRole("button", { name: "Send" }).tap();
  await page.locator('.inbox-link .badge[data-count="1"]').waitFor({ timeout: 60_000 });
  await page.locator(".inbox-link").tap();
  const card = page.locator(".permission-list .permission-card").first();
  await card.locator('.diff-target[data-rendered="true"]').waitFor();
  // Nothing wider than the screen; the diff is unified there.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(card.locator(".d2h-file-side-diff")).toHaveCount(0);
  await screenshot(page, "phone-permission-inbox");
  await card.getByRole("button", { name: "Allow", exact: true }).tap();
  await expect(page.locator(".permission-list")).toBeHidden({ timeout: 10_000 });
  await waitFor(async () => existsSync(path.join(workspace, "phone.txt")), 60_000, "phone.txt written");
});
