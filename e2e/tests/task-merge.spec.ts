import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, waitFor } from "@rozet/e2e/fixtures";

// A task stopped on a merge conflict, seen and answered on the page: the conflict on its card (files, worktree,
// marked regions), the task.merge_conflict and task.handoff events read in the inspector.

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-C", cwd, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { encoding: "utf8" });

test("a merge conflict shows on the task card and in the inspector; resolved by hand, the task runs and its handoff reads", async ({ page, api, controlRoom }) => {
  test.setTimeout(90_000);
  const repo = path.join(controlRoom.home, "workspaces", "repo");
  mkdirSync(repo, { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  writeFileSync(path.join(repo, "README.md"), "hi\n");
  git(repo, "add", ".");
  git(repo, "commit", "-qm", "init");
  const session = await api.session.create.mutate({ name: "merges", workspace: "repo" });
  const agents = [];
  for (const name of ["alpha", "beta", "gamma"]) {
    const agent = await api.agent.create.mutate({ sessionId: session.id, name, driver: "shell", config: { worktree: true } });
    await waitFor(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, `${name} idle`);
    agents.push(agent);
  }
  const a = await api.task.create.mutate({ sessionId: session.id, title: "write a", prompt: "echo from-a > same.txt", agentId: agents[0]!.id });
  const b = await api.task.create.mutate({ sessionId: session.id, title: "write b", prompt: "echo from-b > same.txt", agentId: agents[1]!.id });
  const c = await api.task.create.mutate({ sessionId: session.id, title: "combine", prompt: "cat same.txt > seen.txt", agentId: agents[2]!.id, dependsOn: [a.id, b.id] });
  const stopped = await waitFor(async () => {
    const task = await api.task.get.query({ id: c.id });
    return task.status === "blocked" && task.mergeConflict ? task : undefined;
  }, 30_000, "combine stopped on the conflict");

  await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=tasks`);
  const card = page.locator('.task-card[data-task="combine"]');
  await expect(card).toContainText("merge conflict in same.txt");
  const panel = card.getByRole("region", { name: "Merge conflict of combine" });
  await expect(panel).toContainText("Merging “write b”");
  await expect(panel).toContainText(stopped.mergeConflict!.path);
  await panel.locator("summary", { hasText: "same.txt" }).click();
  await expect(panel.getByLabel("Conflict in same.txt")).toContainText("<<<<<<< HEAD");
  await expect(panel.getByLabel("Conflict in same.txt")).toContainText("from-b");
  await expect(card.getByRole("button", { name: "Cancel", exact: true })).toHaveCount(0);

  // The conflict event in the inspector.
  const conflictEvent = (await api.event.timeline.query({ sessionId: session.id, taskId: c.id, types: ["task.merge_conflict"] })).events[0]!;
  await page.goto(`/sessions/${encodeURIComponent(session.id)}/events/${conflictEvent.seq}`);
  const inspector = page.locator(".inspector");
  await expect(inspector.getByRole("region", { name: "The merge that stopped" })).toContainText("stopped with conflicts in 1 file");

  // Fixed by hand, then answered on the card: the task runs to completion.
  writeFileSync(path.join(stopped.mergeConflict!.path, "same.txt"), "from-a and from-b\n");
  git(stopped.mergeConflict!.path, "add", "same.txt");
  await page.goto(`/sessions/${encodeURIComponent(session.id)}?view=tasks`);
  await card.getByRole("button", { name: "Mark resolved and start" }).click();
  await expect(card).toHaveAttribute("data-status", "completed", { timeout: 20_000 });
  await expect(card.getByRole("region", { name: "Merge conflict of combine" })).toHaveCount(0);
  await expect(card).toContainText(/Work in rozet\/gamma-\w+ at [0-9a-f]{12}/);

  const handoffEvent = (await api.event.timeline.query({ sessionId: session.id, taskId: c.id, types: ["task.handoff"] })).events[0]!;
  await page.goto(`/sessions/${encodeURIComponent(session.id)}/events/${handoffEvent.seq}`);
  const handed = inspector.getByRole("region", { name: "What the task was handed" });
  await expect(handed).toContainText("recorded only (a shell agent's prompt is a command line)");
  // Both were in the worktree already: "write a" from the first attempt, "write b" from the resolved merge.
  await expect(handed).toContainText(/Merged into its worktree: “write a” [0-9a-f]{12} \(already there\), “write b” [0-9a-f]{12} \(already there\)/);
  await expect(handed.locator("table")).toHaveCount(2);
  await expect(handed.locator("table").first()).toContainText("same.txt");
});
