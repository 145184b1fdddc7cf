import { mkdtempSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentWorld, waitForAsync } from "./agent-harness.ts";
import { ROZET_BIN, runProcess } from "./harness.ts";

const CLAUDE = path.join(path.dirname(createRequire(import.meta.url).resolve("@anthropic-ai/claude-code/package.json")), "bin", "claude.exe");


let world: Awaited<ReturnType<typeof startAgentWorld>>;
beforeAll(async () => {
  world = await startAgentWorld({
    steps: [
      { content: [{ text: "Writing." }, { tool_use: { name: "Write", input: { file_path: "{{cwd}}/from-outside.txt", content: "hi\n" } } }] },
      { content: [{ text: "Wrote from-outside.txt." }] },
    ],
  });
});
afterAll(async () => {
  await world.close();
});

describe("Claude Code started outside Rozet", () => {
  it("reports every hook event into the session timeline after `rozet hooks install`", async () => {
    const project = realpathSync(mkdtempSync(path.join(os.tmpdir(), "rozet-hooked-")));
    const install = await runProcess(process.execPath, [ROZET_BIN, "hooks", "install", project, "--url", world.server.url, "--app", "outside-project"]);
    expect(install.code).toBe(0);

    const result = await runProcess(CLAUDE, ["-p", "write the file", "--output-format", "stream-json", "--verbose", "--permission-mode", "bypassPermissions"], {
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

    const session = await waitForAsync(async () => (await world.api.session.list.query()).find((s) => s.name === "outside-project"), 10_000, "hooked session");
    const types = await waitForAsync(
      async () => {
        const events = (await world.api.event.timeline.query({ sessionId: session.id, limit: 500 })).events.map((e) => e.type);
        return events.includes("session.ended") ? events : undefined;
      },
      15_000,
      "session.ended",
    );
    expect(types).toEqual(expect.arrayContaining(["session.started", "prompt.submitted", "tool.started", "tool.finished", "turn.finished", "session.ended"]));
    expect(types.indexOf("session.started")).toBeLessThan(types.indexOf("tool.started"));
    const tool = (await world.api.event.timeline.query({ sessionId: session.id, types: ["tool.finished"] })).events[0]!;
    expect(tool).toMatchObject({ toolName: "Write", status: "ok", filePath: path.join(project, "from-outside.txt") });
    const agents = await world.api.agent.list.query({ sessionId: session.id });
    expect(agents).toMatchObject([{ driver: "external" }]);
  });
});
