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

test("the New task dialog clears what it sent, keeps what was typed meanwhile, and stays out of the board", async ({ page, seed }) => {
  const session = await seed.session("typing");
  await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=tasks`);
  await page.getByRole("button", { name: "New task" }).click();
  const dialog = page.getByRole("dialog", { name: "New task" });
  await expect(dialog).toBeVisible();
  // Hold the create request so the next title can be typed while it is out (as on a slow link).
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/trpc/task.create*", async (route) => {
    await held;
    await route.continue();
  });
  await dialog.getByLabel("Title").fill("first");
  await dialog.getByLabel("Prompt").fill("do the first thing");
  await dialog.getByRole("button", { name: "Create task" }).click();
  await expect(dialog.getByRole("button", { name: "Creating…" })).toBeDisabled();
  await dialog.getByLabel("Title").fill("second, typed while the first was being created");
  release();
  await expect(page.locator('.task-card[data-task="first"]')).toBeVisible();
  await expect(dialog.getByRole("status")).toContainText("Created “first”");
  // The prompt still held what was sent: cleared. The title was typed since: kept, and stays.
  await expect(dialog.getByLabel("Prompt")).toHaveValue("");
  await expect(dialog.getByLabel("Title")).toHaveValue("second, typed while the first was being created");
  await page.waitForTimeout(400); // the old form wiped it 140–280 ms after the answer
  await expect(dialog.getByLabel("Title")).toHaveValue("second, typed while the first was being created");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator(".task-form")).toHaveCount(0);
});

test("the task graph shows what each task waits on, and a task links to its own events", async ({ page, seed, api, controlRoom }) => {
  const session = await seed.session("graph");
  // No agent in the session: the tasks stay pending / waiting, as they are drawn.
  const build = await api.task.create.mutate({ sessionId: session.id, title: "build", prompt: "build it" });
  const check = await api.task.create.mutate({ sessionId: session.id, title: "check", prompt: "test it", dependsOn: [build.id] });
  await api.task.create.mutate({ sessionId: session.id, title: "ship", prompt: "ship it", dependsOn: [build.id, check.id] });
  const event = (id: string, summary: string, taskId?: string) => ({
    schema_version: 2 as const,
    event_id: id,
    source_app: session.id,
    session_id: "run-1",
    agent_id: "bot",
    type: "tool.started",
    tool_name: "Bash",
    summary,
    ...(taskId ? { task_id: taskId } : {}),
    payload: {},
  });
  await postEvents(controlRoom.url, [event("t-1", "compiling for build", build.id), event("t-2", "unrelated work"), event("t-3", "linking for build", build.id), event("t-4", "checking", check.id)]);

  await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=tasks`);
  await expect(page.locator('.task-card[data-task="check"]')).toContainText("Waiting on: build (pending)");
  await page.getByRole("button", { name: "Graph" }).click();
  await expect(page).toHaveURL(/[?&]tasks=graph/);
  const node = (title: string) => page.locator(`.task-node[data-task="${title}"]`);
  await expect(node("ship")).toContainText("Waiting on build, check");
  await expect(node("check")).toContainText("Waiting on build");
  await expect(node("build")).not.toContainText("Waiting on");
  await expect(page.locator(".task-graph-edges > path")).toHaveCount(3);
  // Columns in the order the tasks can run.
  const left = async (title: string) => (await node(title).boundingBox())!.x;
  expect(await left("build")).toBeLessThan(await left("check"));
  expect(await left("check")).toBeLessThan(await left("ship"));

  await node("build").getByRole("link", { name: "Events of build" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]task=${build.id}`));
  await expect(page.locator(".task-filter-chip")).toContainText("Events of task build");
  // Its task.created event and the two events reported for it.
  await expect(page.locator(".tl-row")).toHaveCount(3);
  await expect(page.locator(".tl-list")).toContainText("compiling for build");
  await expect(page.locator(".tl-list")).not.toContainText("unrelated work");
  // Live: a new event of the task appears, one of another task does not.
  await postEvents(controlRoom.url, [event("t-5", "more for build", build.id), event("t-6", "more checking", check.id)]);
  await expect(page.locator(".tl-row")).toHaveCount(4);
  // The export takes the same filter: only the task's events are downloaded.
  await expect(page.locator(".export-menu")).toContainText("Export (filtered)");
  const exported = await page.request.get((await page.locator('[data-export="ndjson"]').getAttribute("href"))!);
  const summaries = (await exported.text()).trim().split("\n").map((line) => (JSON.parse(line) as { summary: string | null }).summary);
  expect(summaries).toHaveLength(4);
  expect(summaries).toEqual(expect.arrayContaining(["compiling for build", "linking for build", "more for build"]));
  await page.getByRole("button", { name: "Show all events" }).click();
  await expect(page).not.toHaveURL(/[?&]task=/);
  // Three task.created events and six reported ones.
  await expect(page.locator(".tl-row")).toHaveCount(9);
});

test("the tasks board is current when you come back to it: tasks created and cancelled while another view was shown", async ({ page, seed, api }) => {
  const session = await seed.session("board-return");
  // No agent in the session: the tasks stay pending.
  const old = await api.task.create.mutate({ sessionId: session.id, title: "old", prompt: "was here before" });
  await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=tasks`);
  const card = (title: string) => page.locator(`.task-card[data-task="${title}"]`);
  await expect(card("old")).toContainText("pending");

  // Away on the timeline (the board is not shown): a task is added and one cancelled through the API.
  const nav = page.getByRole("navigation", { name: "Session views" });
  await nav.getByRole("link", { name: "Timeline" }).click();
  await expect(page.locator(".tasks-view")).toHaveCount(0);
  await api.task.create.mutate({ sessionId: session.id, title: "added while away", prompt: "new" });
  await api.task.cancel.mutate({ id: old.id, reason: "cancelled while away" });

  await nav.getByRole("link", { name: "Tasks" }).click();
  await expect(card("added while away")).toContainText("pending");
  await expect(card("old")).toContainText("cancelled");
});
