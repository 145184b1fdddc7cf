import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { readPayload } from "@rozet/vocabulary";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";

let world: Awaited<ReturnType<typeof startAgentWorld>> | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe("acp driver through the API (Claude ACP adapter, real Claude Code, model stub)", () => {
  it("asks the operator before writing, records the tool call and diff, and takes a follow-up", async () => {
    world = await startAgentWorld({
      steps: [
        { match: { lastUserTextIncludes: "write", hasTools: true }, content: [{ text: "Writing." }, { tool_use: { name: "Write", input: { file_path: "{{cwd}}/acp.txt", content: "via acp\n" } } }] },
        { match: { hasTools: true }, content: [{ text: "Done via ACP." }] },
        { match: { lastUserTextIncludes: "again", hasTools: true }, content: [{ text: "Second answer." }] },
      ],
    });
    const w = world;
    const session = await w.api.session.create.mutate({ name: "acp" });
    const agent = await w.api.agent.create.mutate({ sessionId: session.id, name: "acp-claude", driver: "acp", config: { profile: "claude", env: stubEnv(w.stub.url) } });
    await w.agentInStatus(agent.id, "idle", 60_000);
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "please write the file" });
    const request = await w.pendingPermission(session.id, 60_000);
    expect(request.toolName).toMatch(/Write|acp\.txt/);
    expect(existsSync(path.join(session.workspaceRoot!, "acp.txt"))).toBe(false);
    await w.api.agent.respondPermission.mutate({ requestId: request.id, answer: { behavior: "allow" } });
    expect((await w.commandDone(command.id)).status).toBe("completed");
    expect(readFileSync(path.join(session.workspaceRoot!, "acp.txt"), "utf8")).toBe("via acp\n");
    const types = (await w.timeline(session.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["tool.started", "tool.finished", "message.assistant", "permission.requested", "permission.answered", "file.changed"]));
    // The diff in the catalogue's shape, as the page reads it (the ACP driver used to store {change, diff}).
    const changed = (await w.timeline(session.id)).find((e) => e.type === "file.changed")!;
    const read = readPayload("file.changed", (await w.api.event.get.query({ seq: changed.seq })).payload);
    expect(read.ok && read.payload).toMatchObject({ path: path.join(session.workspaceRoot!, "acp.txt"), kind: "create", summarized: false, added: 1, removed: 0 });
    expect(read.ok && read.payload.patch).toContain("+via acp");
    const followUp = await w.api.agent.command.mutate({ agentId: agent.id, text: "and again" });
    expect((await w.commandDone(followUp.id)).status).toBe("completed");
    await w.api.agent.stop.mutate({ agentId: agent.id });
    await waitForAsync(async () => (await w.api.agent.get.query({ id: agent.id })).status === "stopped", 10_000, "stopped");
  });

  // The two agents with profiles of their own: the operator's answer through the API reaches the real binary.
  const others = [
    {
      profile: "gemini",
      model: "gemini-2.5-pro",
      env: (url: string) => ({ GOOGLE_GEMINI_BASE_URL: url, GEMINI_API_KEY: "stub-key" }),
      write: { name: "write_file", input: { file_path: "{{cwd}}/other.txt", content: "via acp\n" } },
    },
    {
      profile: "opencode",
      model: "claude-sonnet-4-5",
      env: (url: string) => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: "stub-key" }),
      write: { name: "write", input: { filePath: "{{cwd}}/other.txt", content: "via acp\n" } },
    },
  ] as const;
  for (const other of others) {
    it(`${other.profile}: the operator allows a write through the API and the file lands`, async () => {
      world = await startAgentWorld({ steps: [{ content: [{ text: "Writing." }, { tool_use: other.write }] }, { content: [{ text: "Done." }] }] });
      const w = world;
      const session = await w.api.session.create.mutate({ name: `acp-${other.profile}` });
      const config = { profile: other.profile, env: other.env(w.stub.url) };
      const agent = await w.api.agent.create.mutate({ sessionId: session.id, name: other.profile, driver: "acp", model: other.model, config });
      await w.agentInStatus(agent.id, "idle", 90_000);
      const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "please write the file" });
      const request = await w.pendingPermission(session.id, 90_000);
      expect(existsSync(path.join(session.workspaceRoot!, "other.txt"))).toBe(false);
      await w.api.agent.respondPermission.mutate({ requestId: request.id, answer: { behavior: "allow" } });
      expect((await w.commandDone(command.id)).status).toBe("completed");
      expect(readFileSync(path.join(session.workspaceRoot!, "other.txt"), "utf8")).toBe("via acp\n");
      const types = (await w.timeline(session.id)).map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(["tool.started", "tool.finished", "message.assistant", "permission.requested", "permission.answered"]));
      await w.api.agent.stop.mutate({ agentId: agent.id });
      await waitForAsync(async () => (await w.api.agent.get.query({ id: agent.id })).status === "stopped", 15_000, "stopped");
    }, 180_000);
  }

  it("a task with a gemini agent profile starts a Gemini CLI agent for itself and completes with its answer", async () => {
    world = await startAgentWorld({ steps: [{ content: [{ text: "Task answer from Gemini." }] }] });
    const w = world;
    const session = await w.api.session.create.mutate({ name: "acp-task" });
    const agentProfile = { driver: "acp" as const, model: "gemini-2.5-pro", config: { profile: "gemini" as const, env: { GOOGLE_GEMINI_BASE_URL: w.stub.url, GEMINI_API_KEY: "stub-key" } } };
    const task = await w.api.task.create.mutate({ sessionId: session.id, title: "ask gemini", prompt: "answer please", agentProfile });
    await waitForAsync(async () => ["completed", "failed"].includes((await w.api.task.get.query({ id: task.id })).status), 90_000, "task settled");
    const done = await w.api.task.get.query({ id: task.id });
    expect(done).toMatchObject({ status: "completed", result: expect.stringContaining("Task answer from Gemini.") as string });
    expect(await w.api.agent.list.query({ sessionId: session.id })).toMatchObject([{ id: done.agentId, driver: "acp" }]);
    expect(w.stub.requests.find((request) => request.path.includes(":streamGenerateContent"))?.lastUserText).toContain("answer please");
  }, 180_000);

  it("refuses an acp agent without a profile", async () => {
    world = await startAgentWorld({ steps: [] });
    const session = await world.api.session.create.mutate({ name: "acp-bad" });
    await expect(world.api.agent.create.mutate({ sessionId: session.id, name: "x", driver: "acp" })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
  });
});
