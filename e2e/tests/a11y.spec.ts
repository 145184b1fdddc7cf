import type { Page } from "@playwright/test";
import { describeViolations, expect, journeyScenario, screenshot, seedFor, seriousViolations, startControlRoom, test, waitFor, waitForRow, type ControlRoom } from "../src/fixtures.ts";

/**
 * axe-core over the main screens in both themes: no serious or critical WCAG 2.2 A/AA violations.
 * The session has a real agent with a file change and a pending permission request, so the diff views,
 * inbox cards, charts and replay are all on screen when scanned. One control room and page for the file (the
 * tests are not serial: after a failure the next one starts on a new worker, with a new control room).
 */

let room: ControlRoom;
let page: Page;
let sessionId = "";

test.beforeAll(async ({ browser }) => {
  room = await startControlRoom({ scenario: journeyScenario });
  page = await browser.newPage({ baseURL: room.url, viewport: { width: 1440, height: 900 }, reducedMotion: "reduce" });
  const { api } = room;
  const seed = seedFor(room);
  sessionId = (await seed.session("accessible")).id;
  const agent = await seed.claudeAgent(sessionId, "writer", { budgetUsd: 2 });
  await api.agent.command.mutate({ agentId: agent.id, text: "please create hello" });
  const write = await waitFor(async () => (await api.permission.list.query({ sessionId, status: "pending" }))[0], 60_000, "the Write request");
  await api.agent.respondPermission.mutate({ requestId: write.id, answer: { behavior: "allow" } });
  // The Edit request stays pending for the scans.
  await waitFor(async () => (await api.permission.list.query({ sessionId, status: "pending" })).find((p) => p.toolName === "Edit"), 60_000, "the Edit request");
  const first = await api.task.create.mutate({ sessionId, title: "a waiting task", prompt: "do task one", agentId: agent.id, dependsOn: [] });
  // A dependency, so the task graph has an edge and a "waiting on".
  await api.task.create.mutate({ sessionId, title: "a dependent task", prompt: "do task two", agentId: agent.id, dependsOn: [first.id] });
});
test.afterAll(async () => {
  await page?.close();
  await room?.close();
});

/** Scans the page now; findings are collected so one run reports every screen's problems. */
const findings: string[] = [];
async function scan(name: string): Promise<void> {
  const violations = await seriousViolations(page);
  if (violations.length === 0) return;
  await test.info().attach(`a11y-${name}`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  findings.push(`${name}:\n${describeViolations(violations)}`);
}

for (const theme of ["light", "dark"] as const) {
  test(`accessibility, ${theme} theme: sessions, session timeline with the inspector's diff, inbox, inspector logs, tasks (board, new task, graph), cost, replay, dialogs`, async () => {
    const base = `/sessions/${encodeURIComponent(sessionId)}`;
    await page.goto("/");
    await page.evaluate((t) => localStorage.setItem("rozet.theme", t), theme);
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
    await page.getByRole("link", { name: "accessible", exact: true }).waitFor();
    await scan(`${theme}-sessions`);

    await page.goto(base);
    const fileRow = await waitForRow(page, "file.changed");
    await fileRow.locator("a").click();
    await page.locator('.inspector .diff-target[data-rendered="true"]').waitFor();
    await page.locator(".session-permissions .permission-strip").getByRole("button", { name: "Review" }).click();
    await page.locator('.session-permissions .diff-target[data-rendered="true"]').waitFor();
    await scan(`${theme}-session`);
    if (theme === "dark") await screenshot(page, "session-dark");

    await page.locator(".inspector").getByRole("tab", { name: "Details" }).click();
    await scan(`${theme}-inspector-details`);
    await page.locator(".inspector").getByRole("tab", { name: /^Logs/ }).click();
    await expect(page.locator(".inspector").getByRole("tab", { name: /^Logs/ })).toHaveAttribute("aria-selected", "true");
    await scan(`${theme}-inspector-logs`);

    await page.goto("/permissions");
    await page.locator('.permission-list .diff-target[data-rendered="true"]').waitFor();
    await page.getByRole("button", { name: "Edit input…" }).click();
    await scan(`${theme}-inbox`);

    await page.goto(`${base}?view=tasks`);
    await page.locator(".task-card").first().waitFor();
    await scan(`${theme}-tasks`);
    await page.getByRole("button", { name: "New task" }).click();
    await page.getByRole("dialog", { name: "New task" }).waitFor();
    await scan(`${theme}-new-task`);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Graph" }).click();
    await page.locator(".task-node").nth(1).waitFor();
    await scan(`${theme}-task-graph`);

    await page.goto(`${base}?view=cost`);
    await page.locator(".chart canvas").first().waitFor();
    await scan(`${theme}-cost`);

    await page.goto(`${base}?view=replay`);
    await expect.poll(async () => Number(await page.locator(".replay-status").getAttribute("data-total"))).toBeGreaterThan(5);
    await page.getByRole("button", { name: "Next event" }).click();
    await scan(`${theme}-replay`);

    await page.goto(base);
    await page.getByRole("button", { name: "+ New agent" }).click();
    await page.getByRole("dialog", { name: "New agent" }).waitFor();
    await scan(`${theme}-new-agent`);
    await page.keyboard.press("Escape");
    await page.locator("body").press("?");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await scan(`${theme}-shortcuts`);
    await page.keyboard.press("Escape");
    expect(findings.splice(0).join("\n\n")).toBe("");
  });
}

test("keyboard reaches the main actions: skip link, shortcuts, tab order", async () => {
  await page.goto(`/sessions/${encodeURIComponent(sessionId)}`);
  await page.locator(".tl-row").first().waitFor();
  await page.keyboard.press("Tab");
  await expect(page.locator(":focus")).toHaveText("Skip to content");
  // g p: the inbox; g s: the sessions.
  await page.locator("body").press("g");
  await page.locator("body").press("p");
  await page.waitForURL(/\/permissions$/);
  await page.locator("body").press("g");
  await page.locator("body").press("s");
  await page.waitForURL(new RegExp(`${room.url}/$`));
  await page.goto(`/sessions/${encodeURIComponent(sessionId)}`);
  await page.locator(".tl-row").first().waitFor();
  await page.locator("body").press("c");
  await expect(page.locator("#command-text")).toBeFocused();
  await page.locator("#command-text").press("Escape");
  await page.locator("body").press("/");
  await expect(page.locator("#filter-text")).toBeFocused();
  // Tab leaves the search field (shortcuts stay off while a text field has the focus).
  await page.keyboard.press("Tab");
  await expect(page.locator("#filter-text")).not.toBeFocused();
  // t: the next theme (system → light → dark → system).
  const html = page.locator("html");
  const current = await html.getAttribute("data-theme");
  const next = current === null ? "light" : current === "light" ? "dark" : null;
  await page.keyboard.press("t");
  await expect.poll(() => html.getAttribute("data-theme")).toBe(next);
});
