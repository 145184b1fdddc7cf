import type { Page } from "@playwright/test";
import { describeViolations, expect, launchBrowser, seedFor, seriousViolations, startControlRoom, test, waitFor, type ControlRoom } from "../src/fixtures.ts";

/** Who may do what, on the page: sign-in, roles hiding controls, the Tokens and Audit pages, observe-only. */

const ADMIN_TOKEN = "e2e-admin-token-0123456789";

async function expectAccessible(page: Page) {
  const violations = await seriousViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

async function signIn(page: Page, token: string) {
  await page.getByLabel("Token", { exact: true }).fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The session page's operating controls: none for viewers and observe-only rooms. */
async function expectNoControls(page: Page, room: ControlRoom, sessionId: string) {
  await page.goto(`${room.url}/sessions/${sessionId}`);
  await expect(page.getByRole("heading", { name: /Agents/ })).toBeVisible();
  await expect(page.getByRole("button", { name: "+ New agent" })).toHaveCount(0);
  await expect(page.locator(".command-bar")).toHaveCount(0);
  await expect(page.getByRole("group", { name: /^Actions for/ })).toHaveCount(0);
  await page.goto(`${room.url}/sessions/${sessionId}?view=tasks`);
  await expect(page.getByRole("group", { name: "Show tasks as" })).toBeVisible();
  await expect(page.getByRole("button", { name: "New task" })).toHaveCount(0);
}

test("a token room: sign-in, a refused token, an admin creates a viewer token, the viewer sees no controls, the audit lists it", async () => {
  const room = await startControlRoom({ token: ADMIN_TOKEN });
  const browser = await launchBrowser();
  try {
    const seed = seedFor(room);
    const session = await seed.session("guarded");
    // A command sent with ROZET_TOKEN: the page names who issued it.
    const sh = await seed.shellAgent(session.id, "builder");
    await waitFor(async () => (await room.api.agent.get.query({ id: sh.id })).status === "idle", 30_000, "shell agent idle");
    const command = await room.api.agent.command.mutate({ agentId: sh.id, text: "echo hello" });
    const page = await browser.newPage();
    await page.goto(room.url);

    // No token stored: the sign-in view, not a page of errors.
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Sessions" })).toHaveCount(0);
    await expectAccessible(page);

    // A wrong token is checked before it is kept: refused at once, not stored, no reload into a page of errors.
    const navigations: string[] = [];
    page.on("framenavigated", (frame) => void (frame === page.mainFrame() && navigations.push(frame.url())));
    await signIn(page, "not-the-right-token-at-all");
    await expect(page.getByRole("alert")).toContainText("That token was refused");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    expect(await page.evaluate(() => localStorage.getItem("rozet.token"))).toBeNull();
    expect(navigations).toEqual([]);

    // The admin: controls and the admin pages.
    await signIn(page, ADMIN_TOKEN);
    await expect(page.getByRole("heading", { name: "New session" })).toBeVisible();
    await expect(page.getByText("read-only (viewer)")).toHaveCount(0);
    // The admin has the controls a viewer must not see (so their absence below means something).
    await page.goto(`${room.url}/sessions/${session.id}`);
    await expect(page.getByRole("group", { name: "Actions for builder" })).toBeVisible();
    await expect(page.locator(".command-bar")).toBeVisible();
    await page.getByRole("link", { name: "Tokens" }).click();
    await page.getByLabel("Name").fill("watcher");
    await page.getByLabel("Role").selectOption("viewer");
    await page.getByRole("button", { name: "Create token" }).click();
    const secretBox = page.getByTestId("token-secret");
    await expect(secretBox).toHaveText(/^rzt_/);
    const secret = (await secretBox.textContent())!.trim();
    await expect(page.locator('tr[data-token="watcher"]')).toContainText("viewer");
    await expectAccessible(page);
    // Shown once: gone after Done, and not shown again after a reload.
    await page.getByRole("button", { name: "Done" }).click();
    await expect(secretBox).toHaveCount(0);
    await page.reload();
    await expect(page.locator('tr[data-token="watcher"]')).toContainText("active");
    await expect(page.getByText(secret)).toHaveCount(0);

    await page.getByRole("link", { name: "Audit" }).click();
    const creation = page.locator(".audit-table tbody tr", { hasText: "token.create" });
    await expect(creation).toContainText("name=watcher");
    await expect(creation).toContainText("ROZET_TOKEN");
    await expectAccessible(page);
    // The seeded session's creation is there too; filtering by procedure keeps only it, then nothing.
    await expect(page.locator(".audit-table tbody tr", { hasText: "session.create" })).toHaveCount(1);
    await page.getByLabel("Procedure").fill("session.");
    await page.getByLabel("Procedure").press("Enter");
    await expect(page).toHaveURL(/procedure=session\./);
    await expect(page.locator(".audit-table tbody tr")).toHaveCount(1);
    await page.getByLabel("Procedure").fill("permission.");
    await page.getByLabel("Procedure").press("Enter");
    await expect(page.getByText("Nothing recorded matches.")).toBeVisible();

    // Sign out, then in as the viewer: a badge, no controls, no admin pages.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await signIn(page, secret);
    await expect(page.getByText("read-only (viewer)")).toBeVisible();
    await expect(page.getByRole("link", { name: "guarded" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "New session" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Tokens" })).toHaveCount(0);
    await expectNoControls(page, room, session.id);
    await expectAccessible(page);
    await page.goto(`${room.url}/sessions/${session.id}/commands/${command.id}`);
    await expect(page.locator(".run-log-head")).toContainText("Issued by");
    await expect(page.locator(".run-log-head")).toContainText("ROZET_TOKEN (token)");
  } finally {
    await browser.close();
    await room.close();
  }
});

test("an observe-only room says why in a banner and shows no agent, task or command controls", async () => {
  const room = await startControlRoom({ observeOnly: true });
  const browser = await launchBrowser();
  try {
    const session = await seedFor(room).session("watched");
    const page = await browser.newPage();
    await page.goto(room.url);
    await expect(page.getByRole("status").filter({ hasText: "Observe-only" })).toHaveText(
      "Observe-only: ROZET_CONTROL_ROOM_ENABLED=false — ingest, timeline, replay and export work; agent, task and permission actions are off",
    );
    // Loopback without tokens: no sign-in and no Sign out.
    await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
    await expectNoControls(page, room, session.id);
  } finally {
    await browser.close();
    await room.close();
  }
});
