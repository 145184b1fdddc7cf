import { expect, hookEvents, postEvents, test } from "../src/fixtures.ts";

/** Sessions list (live, search, sort) and the tasks view (dialog, graph, per-task events), at 1440×900. */

test("the sessions list is live: totals and last activity follow events without a refresh", async ({ page, seed, controlRoom }) => {
  const quiet = await seed.session("quiet one");
  await seed.events(1, { sourceApp: "busy-app" });
  await page.goto("/");
  const row = page.locator(".sessions-table tbody tr", { has: page.getByRole("link", { name: "busy-app" }) });
  await expect(row.locator('td[data-label="Events"]')).toHaveText("1");
  await expect(page.locator(".sessions-table tbody tr", { hasText: quiet.name }).locator('td[data-label="Last activity"]')).toHaveText("no events yet");

  // 999 more events and one with a cost (1,001 in all), posted while the page stays open: the row follows within the ticker's second.
  await postEvents(controlRoom.url, hookEvents(999, { sourceApp: "busy-app" }, 2));
  await postEvents(controlRoom.url, [
    { schema_version: 2, event_id: "cost-1", source_app: "busy-app", session_id: "run-1", agent_id: "bot", type: "usage.reported", cost_usd: 1.5, payload: {} },
  ]);
  await expect(row.locator('td[data-label="Events"]')).toHaveText("1,001", { timeout: 10_000 });
  await expect(row.locator('td[data-label="Cost"]')).toHaveText("$1.50");
  await expect(row.locator('td[data-label="Last activity"]')).toContainText("ago");
});

test("sessions search and sort are kept in the URL", async ({ page, seed, controlRoom }) => {
  await seed.session("alpha docs");
  await seed.session("beta auth");
  await seed.events(3, { sourceApp: "gamma-auth" });
  await postEvents(controlRoom.url, [
    { schema_version: 2, event_id: "cost-g", source_app: "gamma-auth", session_id: "run-1", agent_id: "bot", type: "usage.reported", cost_usd: 2, payload: {} },
  ]);
  await page.goto("/");
  const names = page.locator(".sessions-table tbody th a:first-child");
  await expect(names).toHaveText(["gamma-auth", "beta auth", "alpha docs"]);

  await page.getByLabel("Search sessions").fill("AUTH");
  await expect(page).toHaveURL(/[?&]q=AUTH/);
  await expect(names).toHaveText(["gamma-auth", "beta auth"]);
  await page.getByLabel("Sort by").selectOption("name");
  await expect(page).toHaveURL(/[?&]sort=name/);
  await expect(names).toHaveText(["beta auth", "gamma-auth"]);

  // A reload (or a shared link) shows the same view.
  await page.reload();
  await expect(page.getByLabel("Search sessions")).toHaveValue("AUTH");
  await expect(page.getByLabel("Sort by")).toHaveValue("name");
  await expect(names).toHaveText(["beta auth", "gamma-auth"]);
  await page.goto("/?sort=cost");
  await expect(names.first()).toHaveText("gamma-auth");
  await page.goto("/?q=nothing-like-this");
  await expect(page.getByText("No session matches")).toBeVisible();
});
