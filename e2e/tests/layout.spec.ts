import { existsSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, journeyScenario, test, waitFor } from "../src/fixtures.ts";
import { visibleTimelineRows } from "../src/layout.ts";

/**
 * Room to watch at 1440×900: the timeline shows at least 20 rows with nothing pending, with a pending permission
 * (a compact strip), with the command history open and with the inspector open (a resizable side panel, the
 * Tool column still there). A real Claude agent (model stub) asks for the permissions.
 */
test.use({ scenario: journeyScenario });

const MIN_ROWS = 20;

/** Waits until at least MIN_ROWS rows are visible in this state, and records how many there are. */
async function expectRoomToWatch(page: Page, state: string): Promise<void> {
  await expect.poll(() => visibleTimelineRows(page), { message: `rows ${state}` }).toBeGreaterThanOrEqual(MIN_ROWS);
  test.info().annotations.push({ type: "visible rows", description: `${state}: ${await visibleTimelineRows(page)}` });
}

test("the timeline keeps ≥ 20 rows in every state; permission strip; resizable inspector", async ({ page, seed, api }) => {
  const session = await seed.session("room to watch");
  const writer = await seed.claudeAgent(session.id, "writer");
  // Enough history to fill the timeline many times over, in the same session (source_app = its id).
  await seed.events(120, { sourceApp: session.id });

  await page.goto(`/sessions/${encodeURIComponent(session.id)}`);
  await page.locator(".tl-row").first().waitFor();
  await expectRoomToWatch(page, "with nothing pending");

  // A pending permission: one strip with tool, subject, Allow / Deny and Review.
  await page.locator("#command-text").fill("please create hello");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const strip = page.locator(".session-permissions .permission-strip");
  await expect(strip.locator(".tool-badge")).toHaveText("Write", { timeout: 60_000 });
  await expect(strip).toContainText("hello.txt");
  await expect(page.locator(".session-permissions .permission-card")).toHaveCount(0);
  await expectRoomToWatch(page, "with a pending permission");

  // p focuses it; Review opens the full card with its diff, Hide folds it again.
  await page.locator("body").press("p");
  await expect(page.locator(".session-permissions")).toBeFocused();
  await strip.getByRole("button", { name: "Review" }).click();
  const card = page.locator(".session-permissions .permission-card");
  await card.locator('.diff-target[data-rendered="true"]').waitFor();
  await expect(card.locator(".diff-target")).toContainText("hello world");
  await strip.getByRole("button", { name: "Hide" }).click();
  await expect(card).toHaveCount(0);

  // Allow from the strip; the next request (the Edit) takes its place with working buttons; deny that one.
  await strip.getByRole("button", { name: "Allow", exact: true }).click();
  await expect(strip.locator(".tool-badge")).toHaveText("Edit", { timeout: 60_000 });
  await expect(strip.getByRole("button", { name: "Deny", exact: true })).toBeEnabled();
  await strip.getByRole("button", { name: "Deny", exact: true }).click();
  await expect(page.locator(".session-permissions")).toHaveCount(0, { timeout: 30_000 });
  const workspace = (await api.session.get.query({ id: session.id })).workspaceRoot!;
  await waitFor(async () => existsSync(path.join(workspace, "hello.txt")), 30_000, "hello.txt written after Allow");
  await waitFor(async () => (await api.agent.get.query({ id: writer.id })).status === "idle", 60_000, "writer idle");

  // The command history open (a second command, then "2 recent").
  await page.locator("#command-text").fill("say anything");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.locator(".command-list li")).toHaveCount(2);
  await page.getByRole("button", { name: "2 recent" }).click();
  await expect(page.locator(".command-list li").nth(1)).toBeVisible();
  await expectRoomToWatch(page, "with the command history open");
  await page.getByRole("button", { name: "Newest only" }).click();
  await expect(page.locator(".command-list li").nth(1)).toBeHidden();

  // The inspector open: a side panel; the Tool column is still shown.
  await page.locator(".tl-row a").nth(3).click();
  const dock = page.locator(".inspector-dock");
  await expect(dock.locator(".inspector")).toBeVisible();
  await expectRoomToWatch(page, "with the inspector open");
  await expect(page.locator(".tl-head > :nth-child(4)")).toBeVisible();
  await expect(page.locator(".tl-row .tl-tool").first()).toBeVisible();
  await expect(page.locator(".tl-row .tl-tool", { hasText: "Bash" }).first()).toBeVisible();

  // Resized by keyboard (← wider), by dragging the handle, and remembered after a reload.
  const width = async () => Math.round((await dock.boundingBox())!.width);
  const handle = page.getByRole("separator", { name: /Resize the inspector/ });
  const before = await width();
  await handle.focus();
  for (let i = 0; i < 4; i++) await handle.press("ArrowLeft");
  await expect.poll(width).toBe(before + 64);
  await handle.press("ArrowRight");
  await expect.poll(width).toBe(before + 48);
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 100, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(width).toBe(before + 48 - 100);
  await expectRoomToWatch(page, "with the inspector resized");
  await page.reload();
  await expect(page.locator(".inspector-dock .inspector")).toBeVisible();
  await expect.poll(width).toBe(before + 48 - 100);
  expect(await page.evaluate(() => localStorage.getItem("rozet.inspector.width"))).toBe(String(before + 48 - 100));
});

test("below 1100 px the inspector floats over the timeline instead of squeezing it", async ({ page, seed }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  const sessionId = (await seed.session("narrow window")).id;
  await seed.events(40, { sourceApp: sessionId });
  await page.goto(`/sessions/${encodeURIComponent(sessionId)}`);
  await page.locator(".tl-row").first().waitFor();
  const before = (await page.locator(".timeline").boundingBox())!;
  const row = page.locator(".tl-row").nth(2);
  const seq = await row.getAttribute("data-seq");
  await row.locator("a").click();
  const dock = page.locator(".inspector-dock");
  await expect(dock.locator(".inspector")).toBeVisible();
  // Floating over the rows, it takes the keyboard focus.
  await expect(dock.locator("#inspector-title")).toBeFocused();
  const box = (await dock.boundingBox())!;
  expect(Math.round(box.x + box.width)).toBe(1024);
  expect(await dock.evaluate((el) => getComputedStyle(el).position)).toBe("fixed");
  // The timeline keeps its width under the panel.
  expect((await page.locator(".timeline").boundingBox())!.width).toBe(before.width);
  await page.keyboard.press("Escape");
  await expect(dock).toHaveCount(0);
  // Closed, the focus is back on the event's row.
  await expect(page.locator(`.tl-row[data-seq="${seq}"] a`)).toBeFocused();
});

test("a missing session says so instead of showing the working page", async ({ page }) => {
  await page.goto("/sessions/no-such-session");
  await expect(page.getByRole("heading", { name: "Session not found" })).toBeVisible();
  await expect(page.getByText("no-such-session")).toBeVisible();
  await expect(page.locator(".timeline")).toHaveCount(0);
  await expect(page.locator(".command-bar")).toHaveCount(0);
  await expect(page.locator(".notice.error")).toHaveCount(0);
  // A deep link into it too.
  await page.goto("/sessions/no-such-session/events/12");
  await expect(page.getByRole("heading", { name: "Session not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the sessions" }).click();
  await page.waitForURL(/\/$/);
});

test("server down: a banner after a short grace, controls disabled until it is back", async ({ page, seed, controlRoom }) => {
  const { sessionId } = await seed.events(5, { sourceApp: "server-down" });
  await page.goto(`/sessions/${encodeURIComponent(sessionId)}`);
  await page.locator(".tl-row").first().waitFor();
  await expect(page.locator(".connection")).toHaveAttribute("data-status", "live");
  const banner = page.getByRole("alert").filter({ hasText: "The server is unreachable" });
  await expect(banner).toHaveCount(0);
  const newAgent = page.getByRole("button", { name: "+ New agent" });
  await expect(newAgent).toBeEnabled();

  // When the page saw the connection go, and when the banner came (page clock).
  await page.evaluate(() => {
    const times: { lost?: number; banner?: number } = {};
    (window as unknown as { __down: typeof times }).__down = times;
    new MutationObserver(() => {
      if (times.lost === undefined && document.querySelector('.connection:not([data-status="live"])')) times.lost = performance.now();
      if (times.banner === undefined && document.querySelector(".server-down")) times.banner = performance.now();
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await controlRoom.stopServer();
  await expect(banner).toBeVisible({ timeout: 10_000 });
  // Not at once: the grace keeps a short blip from flashing the banner.
  const times = await page.evaluate(() => (window as unknown as { __down: { lost?: number; banner?: number } }).__down);
  expect(times.lost).toBeDefined();
  expect(times.banner! - times.lost!).toBeGreaterThanOrEqual(1_400);
  await expect(banner).toContainText("Controls are disabled until it is back");
  await expect(newAgent).toBeDisabled();
  await expect(page.locator("#filter-text")).toBeDisabled();

  // The roster stayed on screen meanwhile (not replaced by an error).
  await expect(page.locator('.agent-card[data-agent="bot"]')).toBeVisible();

  await controlRoom.startServerAgain();
  await expect(page.locator(".connection")).toHaveAttribute("data-status", "live", { timeout: 30_000 });
  await expect(banner).toHaveCount(0);
  await expect(newAgent).toBeEnabled();
  await expect(page.locator('.agent-card[data-agent="bot"]')).toBeVisible();
  await expect(page.locator(".session-page .notice.error")).toHaveCount(0);
});
