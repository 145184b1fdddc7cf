import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ScenarioInput } from "@rozet/model-stub";
import { processGroupMembers } from "../src/drivers/acp/index.ts";
import { catalogueViolations, recordingHost, type RecordingHost } from "../src/drivers/acp/testing.ts";
import { cancelMidTurn, realAgentResources, slowThenShort } from "./acp-resources.ts";

// The real OpenCode (its native binary, `opencode acp`) against the model stub's Anthropic Messages endpoint, offline:
// the profile points OpenCode's Anthropic provider at ANTHROPIC_BASE_URL, turns its own traffic off and makes edits ask.

const { launch, release } = realAgentResources();
afterEach(release);

const writeScenario: ScenarioInput = {
  steps: [
    { content: [{ text: "Writing it." }, { tool_use: { name: "write", input: { filePath: "{{cwd}}/opencode.txt", content: "hello\n" } } }] },
    { content: [{ text: "Wrote opencode.txt." }], usage: { input_tokens: 1200, output_tokens: 40 } },
    { match: { lastUserTextIncludes: "again" }, content: [{ text: "Second answer." }] },
  ],
};

function setup(scenario: ScenarioInput, host: RecordingHost) {
  const env = (url: string) => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: "stub-key" });
  return launch({ name: "acp-opencode", config: { profile: "opencode", stopGraceMs: 300 }, model: "claude-sonnet-4-5", scenario, host, env });
}

describe("ACP driver, opencode profile (opencode acp + Messages API stub)", () => {
  it("prompt → answer; a write asks our broker; allow writes it; follow-up works; nothing outside its dirs", async () => {
    const host = recordingHost();
    const { stub, cwd, home, dataDir, driver } = await setup(writeScenario, host);
    const info = await driver.start();
    expect(info.externalSessionId).toMatch(/^ses_/);

    const result = await driver.prompt("write hello");
    expect(result.status).toBe("completed");
    expect(result.result).toContain("Wrote opencode.txt.");
    expect(readFileSync(join(cwd, "opencode.txt"), "utf8")).toBe("hello\n");

    expect(host.permissions).toHaveLength(1);
    expect(host.permissions[0]!.request.extra?.kind).toBe("edit");
    expect(host.ofType("tool.finished")[0]).toMatchObject({ status: "ok" });
    const changed = host.ofType("file.changed")[0]!;
    expect(changed.filePath).toBe(join(cwd, "opencode.txt"));
    expect(changed.payload.patch).toContain("+hello");
    expect(catalogueViolations(host.events)).toEqual([]);

    // Only the scripted model calls reached the stub (no session-title request), on the Anthropic Messages route.
    const calls = stub.requests.filter((request) => request.path.startsWith("/v1/messages"));
    expect(calls.map((call) => call.step)).toEqual([0, 1]);
    expect(calls[0]!.model).toBe("claude-sonnet-4-5");
    expect(JSON.stringify(calls[1]!.body)).toContain("opencode.txt");

    expect((await driver.prompt("say it again")).result).toContain("Second answer.");

    await driver.stop();
    expect(processGroupMembers(info.processId!)).toEqual([]);
    expect(host.exits).toEqual([]);
    // Its config, database and logs went to the data dir; the home it was given stays empty (no ~/.npm, ~/.config …).
    expect(readdirSync(home)).toEqual([]);
    expect(existsSync(join(dataDir, "data", "opencode"))).toBe(true);
    expect(existsSync(join(dataDir, "config", "opencode", "node_modules", "@opencode-ai"))).toBe(false);
  }, 120_000);

  it("deny: the file is not written and the agent goes on", async () => {
    const host = recordingHost(() => ({ behavior: "deny", message: "no" }));
    const { stub, cwd, driver } = await setup(writeScenario, host);
    await driver.start();
    const result = await driver.prompt("write hello");
    expect(existsSync(join(cwd, "opencode.txt"))).toBe(false);
    expect(host.permissions).toHaveLength(1);
    expect(host.permissions[0]!.request.input).toMatchObject({ filepath: join(cwd, "opencode.txt") });
    expect(host.ofType("tool.finished")[0]).toMatchObject({ toolName: "edit", status: "denied" });
    // OpenCode ends the turn at a rejection without asking the model again.
    expect(result).toMatchObject({ status: "completed", result: "Writing it." });
    expect(stub.requests.filter((request) => request.path.startsWith("/v1/messages"))).toHaveLength(1);
    expect((await driver.prompt("and again?")).status).toBe("completed");
  }, 120_000);

  it("cancel mid-stream: OpenCode confirms it, the turn ends cancelled and the session goes on", async () => {
    const host = recordingHost();
    const { stub, driver } = await setup(slowThenShort, host);
    await driver.start();
    const { result, cancelMs } = await cancelMidTurn(driver, stub, (request) => request.path.startsWith("/v1/messages"));
    expect(result.status).toBe("cancelled");
    // OpenCode confirms a cancel in 1.8–4.1 s here (2 shared cores under load), slower than the other agents.
    expect(cancelMs).toBeLessThan(5000);
    // The agent itself confirmed the cancel (the driver's own 5 s fallback did not fire).
    expect(host.ofType("agent.notice").filter((event) => event.payload.kind === "cancel_timeout")).toEqual([]);
    expect((await driver.prompt("still there?")).result).toContain("After the cancel.");
  }, 120_000);
});
