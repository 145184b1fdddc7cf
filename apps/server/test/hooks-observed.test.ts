import { mkdtempSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentWorld, waitForAsync } from "./agent-harness.ts";
import { postJson, ROZET_BIN, runProcess } from "./harness.ts";

const CLAUDE = path.join(path.dirname(createRequire(import.meta.url).resolve("@anthropic-ai/claude-code/package.json")), "bin", "claude.exe");

let world: Awaited<ReturnType<typeof startAgentWorld>>;
beforeAll(async () => {
  // The model asks for a Write; `claude -p` in default mode has nobody to ask, so the tool is denied.
  world = await startAgentWorld({
    steps: [
      { content: [{ text: "Writing." }, { tool_use: { name: "Write", input: { file_path: "{{cwd}}/denied.txt", content: "no\n" } } }] },
      { content: [{ text: "I was not allowed to write." }] },
    ],
  });
});
afterAll(async () => {
  await world.close();
});

/** Runs real Claude Code (`claude -p`) in a project whose hooks report to the world's server. */
async function hookedRun(app: string, prompt: string, permissionMode: string) {
  const project = realpathSync(mkdtempSync(path.join(os.tmpdir(), "rozet-observed-")));
  const install = await runProcess(process.execPath, [ROZET_BIN, "hooks", "install", project, "--url", world.server.url, "--app", app]);
  expect(install.code, install.stderr).toBe(0);
  const result = await runProcess(CLAUDE, ["-p", prompt, "--output-format", "stream-json", "--verbose", "--permission-mode", permissionMode], {
    cwd: project,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ANTHROPIC_BASE_URL: world.stub.url,
      ANTHROPIC_API_KEY: "stub-key",
      IS_SANDBOX: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_TELEMETRY: "1",
      CLAUDE_CONFIG_DIR: mkdtempSync(path.join(os.tmpdir(), "rozet-claude-config-")),
      CLAUDE_CODE_MAX_RETRIES: "0",
    },
  });
  expect(result.code, result.stderr).toBe(0);
  const session = await waitForAsync(async () => (await world.api.session.list.query()).find((s) => s.name === app), 10_000, "hooked session");
  await waitForAsync(
    async () => (await world.api.event.timeline.query({ sessionId: session.id, types: ["session.ended"], limit: 1 })).events.length > 0,
    15_000,
    "session.ended",
  );
  const [agent] = await world.api.agent.list.query({ sessionId: session.id });
  return { session, agent: agent! };
}

describe("a Claude Code session observed through hooks", () => {
  it("ends `ended`, closes the denied tool and its permission request, and refuses every action with one message", async () => {
    const { session, agent } = await hookedRun("observed-project", "write the file", "default");
    expect(agent.driver).toBe("external");

    // Every tool call that started is finished, every permission request answered: nothing left open.
    const events = await waitForAsync(async () => {
      const all = (await world.api.event.timeline.query({ sessionId: session.id, limit: 500 })).events;
      const count = (type: string) => all.filter((e) => e.type === type).length;
      return count("tool.started") > 0 && count("tool.started") === count("tool.finished") && count("permission.requested") === count("permission.answered") ? all : undefined;
    }, 10_000, "every tool and permission closed").catch(async (error: Error) => {
      const all = (await world.api.event.timeline.query({ sessionId: session.id, limit: 500 })).events;
      throw new Error(`${error.message}: ${all.map((e) => `${e.type}:${e.toolName ?? ""}:${e.status ?? ""}`).join(", ")}`);
    });
    const finished = events.filter((e) => e.type === "tool.finished");
    expect(finished).toEqual([expect.objectContaining({ toolName: "Write", status: "cancelled" })]);
    const closing = await world.api.event.get.query({ seq: finished[0]!.seq });
    expect(closing.payload).toMatchObject({ toolUseId: expect.any(String), reason: expect.stringMatching(/did not run|turn ended/) });
    for (const answered of events.filter((e) => e.type === "permission.answered")) expect(answered).toMatchObject({ toolName: "Write", status: "denied" });
    // The closing events come after the turn's own end, not before.
    expect(events.findIndex((e) => e.type === "tool.finished")).toBeGreaterThan(events.findIndex((e) => e.type === "tool.started"));

    await world.agentInStatus(agent.id, "ended", 10_000);

    const observed = /reports in through Claude Code hooks: it is observed, not driven by the control room/;
    await expect(world.api.agent.command.mutate({ agentId: agent.id, text: "hello" })).rejects.toThrow(observed);
    await expect(world.api.agent.interrupt.mutate({ agentId: agent.id })).rejects.toThrow(observed);
    await expect(world.api.agent.stop.mutate({ agentId: agent.id })).rejects.toThrow(observed);
    await expect(world.api.agent.resume.mutate({ id: agent.id })).rejects.toThrow(observed);
    await expect(world.api.agent.setMode.mutate({ agentId: agent.id, mode: "plan" })).rejects.toThrow(observed);
    // Refused before anything was stored: no command rows for an agent we do not drive.
    expect(await world.api.agent.commands.query({ agentId: agent.id })).toEqual([]);

    // The same Claude session reporting in again (e.g. `claude --resume`) makes the agent idle again.
    const again = await postJson(`${world.server.url}/hooks/claude?app=observed-project`, {
      session_id: agent.externalSessionId,
      hook_event_name: "SessionStart",
      source: "resume",
    });
    expect(again.status).toBe(200);
    await world.agentInStatus(agent.id, "idle", 10_000);
    // The status event is committed by the event writer, possibly just after the agent row changed.
    const statuses = async () => (await world.api.event.timeline.query({ sessionId: session.id, agentId: agent.id, types: ["agent.status"] })).events.map((e) => e.status);
    await expect.poll(statuses, { timeout: 5_000 }).toEqual(["ended", "idle"]);
  }, 120_000);
});
