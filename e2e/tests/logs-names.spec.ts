/**
 * Run logs, names and interrupts: a real shell agent prints ANSI-coloured output that streams into the run log
 * (grouped, collapsible, searchable, copyable, shareable as a page); the inspector names agent, task and command
 * with links; a permission answered by a rule names the rule and links to it; interrupts show their outcome.
 */
import type { Page } from "@playwright/test";
import { describeViolations, expect, seriousViolations, test, waitFor } from "@rozet/e2e/fixtures";

test.use({
  scenario: {
    name: "e2e-logs-names",
    steps: [
      { match: { lastUserTextIncludes: "write the note" }, content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/note.txt", content: "noted\n" } } }] },
      { match: { lastUserTextIncludes: "write the note" }, content: [{ text: "Written." }] },
    ],
    fallback: { content: [{ text: "nothing scripted" }] },
  },
});

/**
 * No raw escape sequences anywhere in the element's text (what `[32m` in red looked like before); the command
 * lines themselves spell them as `\033[32m`, which is what the operator typed.
 */
async function expectNoRawEscapes(page: Page, selector: string) {
  const texts = await page.locator(selector).allTextContents();
  for (const text of texts) expect(text).not.toMatch(/\u001b|(?<!\\033)\[\d+(;\d+)*m/);
}

test("a shell command's run log streams with colours, groups, search and copy; names link to their places; interrupts say what happened; a rule answer names its rule", async ({ page, api, seed, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const session = await seed.session("logs and names");
  const sh = await seed.shellAgent(session.id, "builder");
  await waitFor(async () => (await api.agent.get.query({ id: sh.id })).status === "idle", 30_000, "shell agent idle");

  // A command that prints coloured lines over ~1.5 s, so the page sees it while it runs.
  const line = "for i in 1 2 3 4 5; do printf '\\033[32mok %s\\033[0m step\\n' $i; sleep 0.3; done; printf '\\033[31mboom\\033[0m\\n' >&2";
  const command = await api.agent.command.mutate({ agentId: sh.id, text: line });
  await page.goto(`/sessions/${session.id}/commands/${command.id}`);

  // Streaming: the first line shows before the command has finished, the rest follow live.
  const log = page.locator(".log-view");
  await expect(log.locator(".log-line", { hasText: "ok 1 step" })).toBeVisible();
  expect((await api.agent.commands.query({ agentId: sh.id }))[0]!.status).not.toBe("completed");
  await expect(log.locator(".live-flag")).toHaveText("finished", { timeout: 20_000 });
  await expect(log.locator(".log-line", { hasText: "ok 5 step" })).toBeVisible();
  await expect(page.locator(".run-log-head")).toContainText(line);
  await expect(page.locator(".run-log-head").getByRole("link", { name: "builder" })).toHaveAttribute("href", `/sessions/${session.id}?agent=${sh.id}`);

  // One group for the run, its colours as styles (theme variables), never escape codes; stderr marked.
  const run = log.locator(".log-group[data-kind='tool']");
  await expect(run).toHaveCount(1);
  await expect(run).toHaveAttribute("data-status", "ok");
  await expect(run.locator(".log-group-toggle")).toContainText("Shell:");
  const green = run.locator(".log-line", { hasText: "ok 3 step" }).locator("span[style*='--ansi-green']");
  await expect(green).toHaveText("ok 3");
  await expect(run.locator(".log-line[data-stream='stderr']")).toHaveText(/boom/);
  await expectNoRawEscapes(page, ".log-view");

  // Search marks the matching lines; collapse and expand; copy gives plain text.
  await log.getByRole("searchbox", { name: "Search the log" }).fill("OK 4 STEP");
  await expect(log.locator(".log-line.match")).toHaveCount(1);
  await expect(log).toContainText("1 matching line");
  await log.getByRole("searchbox", { name: "Search the log" }).fill("");
  const toggle = run.locator(".log-group-toggle");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(run.locator(".log-line")).toHaveCount(0);
  await toggle.click();
  await expect(run.locator(".log-line", { hasText: "ok 2 step" })).toBeVisible();
  await log.getByRole("button", { name: "Copy log" }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain("ok 4 step");
  expect(copied).not.toContain("\u001b");
  // The log view (a group open, one match marked) has no serious or critical axe violation.
  await log.getByRole("searchbox", { name: "Search the log" }).fill("ok 2");
  const violations = await seriousViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
  await log.getByRole("searchbox", { name: "Search the log" }).fill("");

  // The timeline: output rows carry a one-line summary; the inspector names the agent and the command, with links,
  // and has the run log, opened at that event.
  await page.goto(`/sessions/${session.id}`);
  const outputRow = page.locator(".tl-row", { has: page.locator(".tl-type", { hasText: "shell.output" }) }).filter({ hasText: "stdout: ok 1 step" });
  await outputRow.first().click();
  const inspector = page.locator(".inspector");
  await inspector.getByRole("tab", { name: "Details" }).click();
  await expect(inspector.locator("[data-ref='agent']")).toHaveText("builder");
  await expect(inspector.locator("[data-ref='command']")).toHaveText(line);
  await expect(inspector.locator("[data-ref='command']")).toHaveAttribute("href", `/sessions/${session.id}/commands/${command.id}`);
  await inspector.getByRole("tab", { name: "Run log" }).click();
  await expect(inspector.locator(".log-line.focus").first()).toContainText("ok 1 step");

  // A task: its events name it, with a neutral marker instead of a red dot; the inspector links to the task.
  const task = await api.task.create.mutate({ sessionId: session.id, title: "Print the version", prompt: "echo v1", agentId: sh.id });
  await waitFor(async () => (await api.task.get.query({ id: task.id })).status === "completed", 20_000, "task completed");
  const created = page.locator(".tl-row", { has: page.locator(".tl-type", { hasText: "task.created" }) });
  await expect(created).toContainText("Print the version");
  await expect(created.locator(".tl-agent")).toHaveText("task");
  await expect(created.locator(".agent-dot")).toHaveClass(/neutral/);
  await page.locator(".tl-row", { has: page.locator(".tl-type", { hasText: "task.assigned" }) }).click();
  await inspector.getByRole("tab", { name: "Details" }).click();
  await expect(inspector.locator("[data-ref='task']")).toHaveText("Print the version");
  await expect(inspector.locator("[data-ref='task']")).toHaveAttribute("href", `/sessions/${session.id}?view=tasks#task-${task.id}`);

  // Interrupts: one that stops a running command reads "delivered", one with nothing running "no-op"; the
  // cancelled command's coloured reason shows as colours, not escape codes.
  const slow = await api.agent.command.mutate({ agentId: sh.id, text: "printf '\\033[33mwaiting\\033[0m\\n'; sleep 30" });
  await waitFor(async () => (await api.agent.commands.query({ agentId: sh.id })).find((c) => c.id === slow.id)?.status === "running", 20_000, "slow command running");
  await page.goto(`/sessions/${session.id}?agent=${sh.id}`);
  await page.getByRole("group", { name: "Actions for builder" }).getByRole("button", { name: "Interrupt" }).click();
  const commands = page.locator(".command-list");
  await expect(commands.locator("li[data-kind='interrupt']").first().locator(".pill")).toHaveText("delivered", { timeout: 20_000 });
  await expect(commands.locator("li[data-kind='interrupt']").first()).toContainText("Interrupt");
  await waitFor(async () => (await api.agent.get.query({ id: sh.id })).status === "idle", 20_000, "idle after interrupt");
  await api.agent.interrupt.mutate({ agentId: sh.id });
  await page.reload();
  await expect(commands.locator("li[data-kind='interrupt']").first().locator(".pill")).toHaveText("no-op");
  await expect(commands.locator("li[data-kind='interrupt'] .pill", { hasText: "completed" })).toHaveCount(0);
  await expectNoRawEscapes(page, ".command-list");

  // A permission answered by a rule: the inspector names the rule and links to it on the permissions page.
  const rule = await api.permission.addRule.mutate({ sessionId: session.id, tool: "Write", action: "allow" });
  const writer = await seed.claudeAgent(session.id, "writer");
  await api.agent.command.mutate({ agentId: writer.id, text: "please write the note" });
  const answered = await waitFor(async () => (await api.event.timeline.query({ sessionId: session.id, types: ["permission.answered"] })).events[0], 90_000, "rule answer");
  expect(answered.summary).toBe("Write: allowed by rule “allow Write”");
  await page.goto(`/sessions/${session.id}/events/${answered.seq}`);
  await page.locator(".inspector").getByRole("tab", { name: "Details" }).click();
  const ruleLink = page.locator(".inspector [data-ref='rule']");
  await expect(ruleLink).toHaveText("allowed by rule “allow Write”");
  await expect(page.locator(".inspector [data-ref='agent']")).toHaveText("writer");
  await ruleLink.click();
  await page.waitForURL(/\/permissions\?session=/);
  await expect(page.locator(`#rule-${rule.id}`)).toBeVisible();
  await expect(page.locator(`#rule-${rule.id}`)).toContainText("allow Write");
  const onRules = await seriousViolations(page);
  expect(onRules, describeViolations(onRules)).toEqual([]);
});
