import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ScenarioInput } from "@rozet/model-stub";
import { processGroupMembers } from "../src/drivers/acp/index.ts";
import { catalogueViolations, recordingHost, type RecordingHost } from "../src/drivers/acp/testing.ts";
import { cancelMidTurn, realAgentResources, slowThenShort } from "./acp-resources.ts";

// The real Gemini CLI (`gemini --acp`) against the model stub's Gemini API (streamGenerateContent), offline: the
// profile keeps ~/.gemini in the agent's data dir with usage statistics, telemetry and update checks off.

const { launch, release } = realAgentResources();
afterEach(release);

const writeScenario: ScenarioInput = {
  steps: [
    { content: [{ text: "Writing it." }, { tool_use: { name: "write_file", input: { file_path: "{{cwd}}/gemini.txt", content: "hello\n" } } }] },
    { content: [{ text: "Wrote gemini.txt." }], usage: { input_tokens: 1200, output_tokens: 40 } },
    { match: { lastUserTextIncludes: "again" }, content: [{ text: "Second answer." }] },
  ],
};

function setup(scenario: ScenarioInput, host: RecordingHost) {
  // A fixed model: "auto" would send every turn through an extra classifier call first.
  const env = (url: string) => ({ GOOGLE_GEMINI_BASE_URL: url, GEMINI_API_KEY: "stub-key" });
  return launch({ name: "acp-gemini", config: { profile: "gemini", stopGraceMs: 300 }, model: "gemini-2.5-pro", scenario, host, env });
}

describe("ACP driver, gemini profile (gemini --acp + Gemini API stub)", () => {
  it("prompt → answer; a write asks our broker; allow writes it; follow-up works; nothing outside its dirs", async () => {
    const host = recordingHost();
    const { stub, cwd, home, dataDir, driver } = await setup(writeScenario, host);
    const info = await driver.start();
    expect(info.externalSessionId).toMatch(/\S/);

    const result = await driver.prompt("write hello");
    expect(result.status).toBe("completed");
    expect(result.result).toContain("Wrote gemini.txt.");
    expect(readFileSync(join(cwd, "gemini.txt"), "utf8")).toBe("hello\n");

    expect(host.permissions).toHaveLength(1);
    expect(host.permissions[0]!.request.extra?.kind).toBe("edit");
    expect(host.ofType("tool.finished")[0]).toMatchObject({ status: "ok" });
    expect(catalogueViolations(host.events)).toEqual([]);

    const calls = stub.requests.filter((request) => request.path.includes(":streamGenerateContent"));
    expect(calls.map((call) => call.step)).toEqual([0, 1]);
    expect(calls[0]!.path).toBe("/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
    // The model saw the tool's result.
    expect(JSON.stringify(calls[1]!.body)).toContain("functionResponse");

    expect((await driver.prompt("say it again")).result).toContain("Second answer.");

    await driver.stop();
    expect(processGroupMembers(info.processId!)).toEqual([]);
    expect(host.exits).toEqual([]);
    expect(readdirSync(home)).toEqual([]);
    expect(JSON.parse(readFileSync(join(dataDir, ".gemini", "settings.json"), "utf8"))).toMatchObject({ privacy: { usageStatisticsEnabled: false } });
  }, 120_000);

  it("deny: the file is not written and the agent goes on", async () => {
    const host = recordingHost(() => ({ behavior: "deny", message: "no" }));
    const { stub, cwd, driver } = await setup(writeScenario, host);
    await driver.start();
    const result = await driver.prompt("write hello");
    expect(existsSync(join(cwd, "gemini.txt"))).toBe(false);
    expect(host.permissions).toHaveLength(1);
    expect(host.permissions[0]!.request).toMatchObject({ toolName: "edit", reason: "Writing to gemini.txt" });
    expect(host.ofType("tool.finished")[0]).toMatchObject({ toolName: "edit", status: "denied" });
    // Gemini CLI tells the model the call was rejected and carries on with the turn.
    expect(result.status).toBe("completed");
    const calls = stub.requests.filter((request) => request.path.includes(":streamGenerateContent"));
    expect(calls).toHaveLength(2);
    expect(JSON.stringify(calls[1]!.body)).toContain("functionResponse");
    expect((await driver.prompt("and again?")).status).toBe("completed");
  }, 120_000);

  it("cancel mid-stream resolves cancelled within 2 s and the session goes on", async () => {
    const host = recordingHost();
    const { stub, driver } = await setup(slowThenShort, host);
    await driver.start();
    const { result, cancelMs } = await cancelMidTurn(driver, stub, (request) => request.path.includes(":streamGenerateContent"));
    expect(result.status).toBe("cancelled");
    expect(cancelMs).toBeLessThan(2000);
    // The agent itself confirmed the cancel (the driver's own 5 s fallback did not fire).
    expect(host.ofType("agent.notice").filter((event) => event.payload.kind === "cancel_timeout")).toEqual([]);
    expect((await driver.prompt("still there?")).result).toContain("After the cancel.");
  }, 120_000);
});
