import { expect, test } from "../src/fixtures.ts";
import { horizontalOverflow, overflowingElements } from "../src/layout.ts";

/**
 * The phone project (390×844): no page scrolls sideways, the session opens on its timeline (agents and filters
 * behind buttons), and the inspector is a bottom sheet.
 */

async function expectNoSidewaysScroll(page: import("@playwright/test").Page, where: string): Promise<void> {
  const overflow = await horizontalOverflow(page);
  expect(overflow, `${where} is ${overflow} px wider than the screen: ${(await overflowingElements(page)).join(", ")}`).toBeLessThanOrEqual(0);
}

test("no horizontal scroll on any page at 390 px; timeline first; inspector as a bottom sheet", async ({ page, seed, api }) => {
  const sessionId = (await seed.session("phone-layout")).id;
  await seed.events(60, { sourceApp: sessionId });
  await seed.shellAgent(sessionId, "a-shell-agent-with-a-long-name");
  await api.task.create.mutate({ sessionId, title: "a task with a rather long title to wrap on a phone", prompt: "echo hi" });
  const base = `/sessions/${encodeURIComponent(sessionId)}`;

  await page.goto("/permissions");
  await page.getByRole("heading", { level: 1 }).waitFor();
  await expectNoSidewaysScroll(page, "the permission inbox");

  // The session: the timeline starts on the first screen, not under the roster.
  await page.goto(base);
  await page.locator(".tl-row").first().waitFor();
  await expectNoSidewaysScroll(page, "the session timeline");
  const timeline = (await page.locator(".timeline").boundingBox())!;
  expect(timeline.y).toBeLessThan(844 / 3);
  expect(timeline.y + timeline.height).toBeLessThanOrEqual(844);
  // One scroll area: the page itself does not scroll down to reach it.
  expect(await page.evaluate(() => document.querySelector(".app-main")!.scrollHeight - document.querySelector(".app-main")!.clientHeight)).toBeLessThanOrEqual(1);
  await expect(page.locator(".session-side")).toBeHidden();
  await expect(page.locator("#filter-text")).toBeHidden();

  await page.getByRole("button", { name: /^Agents/ }).tap();
  await expect(page.locator('.agent-card[data-agent="a-shell-agent-with-a-long-name"]')).toBeVisible();
  await expectNoSidewaysScroll(page, "the session with its agents open");
  await page.getByRole("button", { name: /^Agents/ }).tap();
  await expect(page.locator(".session-side")).toBeHidden();
  await page.getByRole("button", { name: /^Filters/ }).tap();
  await expect(page.locator("#filter-text")).toBeVisible();
  await expectNoSidewaysScroll(page, "the session with its filters open");
  await page.getByRole("button", { name: /^Filters/ }).tap();

  // The inspector: a sheet over the bottom of the screen, full width.
  const tapped = await page.locator(".tl-row").nth(2).getAttribute("data-seq");
  await page.locator(".tl-row a").nth(2).tap();
  const sheet = page.locator(".inspector-dock");
  await expect(sheet.locator(".inspector")).toBeVisible();
  await expect(sheet.locator("#inspector-title")).toBeFocused();
  const box = (await sheet.boundingBox())!;
  expect(Math.round(box.x)).toBe(0);
  expect(Math.round(box.width)).toBe(390);
  expect(Math.round(box.y + box.height)).toBe(844);
  expect(box.y).toBeGreaterThan(100);
  await expect(page.getByRole("separator", { name: /Resize the inspector/ })).toBeHidden();
  await expectNoSidewaysScroll(page, "the session with the inspector open");
  await sheet.getByRole("link", { name: "Close the inspector" }).tap();
  await expect(sheet).toHaveCount(0);
  await expect(page.locator(`.tl-row[data-seq="${tapped}"] a`)).toBeFocused();

  for (const view of ["tasks", "cost", "replay"] as const) {
    await page.goto(`${base}?view=${view}`);
    await page.locator(".view-tabs a.current").filter({ hasText: new RegExp(view, "i") }).waitFor();
    await page.locator(view === "tasks" ? ".task-card" : view === "cost" ? ".cost-view" : ".replay-status").first().waitFor();
    await expectNoSidewaysScroll(page, `the ${view} view`);
  }

  await page.goto("/sessions/not-a-session");
  await page.getByRole("heading", { name: "Session not found" }).waitFor();
  await expectNoSidewaysScroll(page, "a missing session");
  await page.goto("/no/such/page");
  await page.getByRole("heading", { name: "Not found" }).waitFor();
  await expectNoSidewaysScroll(page, "the not-found page");
});

test("the sessions list has no horizontal scroll at 390 px", async ({ page, seed }) => {
  await seed.session("phone-layout");
  await page.goto("/");
  await page.getByRole("link", { name: "phone-layout" }).first().waitFor();
  await expectNoSidewaysScroll(page, "the sessions page");
});
