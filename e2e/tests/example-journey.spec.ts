import { expect, test, timelineRow } from "@rozet/e2e/fixtures";

// What the model stub answers, one step per model request: ask to write a file, then finish.
test.use({
  scenario: {
    name: "write-a-note",
    steps: [
      { content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/note.txt", content: "hi\n" } } }] },
      { content: [{ text: "The note is written." }] },
    ],
  },
});

test("an operator watches hook events and allows an agent's Write", async ({ page, api, seed }) => {
  const session = await seed.session("qa-example");
  await seed.events(3, { sourceApp: session.id });
  const agent = await seed.claudeAgent(session.id, "writer");

  await page.goto(`/sessions/${session.id}`);
  await expect(timelineRow(page, "tool.started", "Bash: echo 3")).toBeVisible();

  const request = await seed.permissionRequest(agent.id, "write a note");
  expect(request.toolName).toBe("Write");
  await expect(page.locator(".session-permissions")).toContainText("note.txt");
  await api.agent.respondPermission.mutate({ requestId: request.id, answer: { behavior: "allow" } });

  await expect(timelineRow(page, "file.changed", "note.txt")).toBeVisible({ timeout: 60_000 });
  await expect(timelineRow(page, "turn.finished", "The note is written.")).toBeVisible();
});
