import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ScenarioInput } from "@rozet/model-stub";
import { processGroupMembers } from "../src/drivers/acp/index.ts";
import { liveProcessGroups } from "../src/process/registry.ts";
import { recordingHost, type RecordingHost } from "../src/drivers/acp/testing.ts";
import { cancelMidTurn, realAgentResources, slowThenShort } from "./acp-resources.ts";

// The real codex-acp (native binary) against the model stub's OpenAI Responses endpoint. There is no bubblewrap
// here, so Codex's sandbox cannot run commands; the scripted model asks for `require_escalated` instead, which is
// exactly the path that makes Codex ask the client for approval (and runs the approved command unsandboxed).

const { launch, release } = realAgentResources();
afterEach(release);

const escalated = (cmd: string) => ({
  tool_use: { name: "exec_command", input: { cmd, sandbox_permissions: "require_escalated", justification: "May I write codex.txt?" } },
});

const writeScenario: ScenarioInput = {
  steps: [
    { content: [{ text: "Running it." }, escalated("echo hello > codex.txt && cat codex.txt")] },
    { content: [{ text: "Wrote codex.txt." }], usage: { input_tokens: 1200, output_tokens: 40 } },
    { match: { lastUserTextIncludes: "again" }, content: [{ text: "Second answer." }] },
  ],
};

function setup(scenario: ScenarioInput, host: RecordingHost) {
  const env = (url: string) => ({ OPENAI_API_KEY: "sk-stub", OPENAI_BASE_URL: `${url}/v1` });
  // gpt-5 gets the plain exec_command tool set (other ids get Codex's "code mode" tools).
  return launch({ name: "acp-codex", config: { profile: "codex", stopGraceMs: 300 }, model: "gpt-5", scenario, host, env });
}

describe("ACP driver, codex profile (codex-acp + Responses API stub)", () => {
  it("asks before an escalated command; allow runs it; follow-up works; stop leaves no process", async () => {
    const host = recordingHost();
    const { stub, cwd, driver } = await setup(writeScenario, host);
    const info = await driver.start();
    expect(info.externalSessionId).toMatch(/\S/);

    const result = await driver.prompt("write hello");
    expect(result.status).toBe("completed");
    expect(result.result).toContain("Wrote codex.txt.");
    expect(readFileSync(join(cwd, "codex.txt"), "utf8")).toBe("hello\n");

    expect(host.permissions).toHaveLength(1);
    const asked = host.permissions[0]!.request;
    expect(asked).toMatchObject({ toolName: "execute", reason: "echo hello > codex.txt && cat codex.txt" });
    expect(asked.input.command).toEqual(["/bin/bash", "-lc", "echo hello > codex.txt && cat codex.txt"]);
    expect((asked.extra?.options as Array<{ kind: string }>).map((option) => option.kind)).toEqual(["allow_once", "allow_always", "reject_once"]);

    expect(host.ofType("tool.started")[0]).toMatchObject({ toolName: "execute", summary: "execute: echo hello > codex.txt && cat codex.txt" });
    // codex-acp 0.16.0 sometimes never sends the completion of a fast command (seen on the wire under CPU load,
    // about 1 run in 7: the model got "Process exited with code 0" but no tool_call_update followed, not even after
    // the turn). The driver then closes the tool as "incomplete" at turn end rather than inventing an outcome.
    expect(["ok", "incomplete"]).toContain(host.ofType("tool.finished")[0]!.status);
    expect(host.ofType("message.assistant").map((event) => event.payload.text).join("\n")).toContain("Running it.");
    // Codex reports no cost and no tokens; the driver passes on the context fill.
    expect(host.ofType("usage").at(-1)).toMatchObject({ payload: { source: "context" } });
    expect(host.ofType("usage").every((event) => event.costUsd === undefined)).toBe(true);

    // The model saw the command's output and, on the follow-up, the whole history.
    const calls = stub.requests.filter((request) => request.path === "/v1/responses");
    expect(JSON.stringify(calls[1]!.body)).toContain("Process exited with code 0");
    expect((await driver.prompt("say it again")).result).toContain("Second answer.");
    expect(JSON.stringify(stub.requests.at(-1)!.body)).toContain("Wrote codex.txt.");

    // codex-acp ignores stdin EOF: stop() has to signal the group after the grace period.
    await driver.stop();
    expect(processGroupMembers(info.processId!)).toEqual([]);
    expect(liveProcessGroups().filter((group) => group.pgid === info.processId)).toEqual([]);
    expect(host.exits).toEqual([]);
  }, 30_000);

  it("deny: the command never runs; Codex ends the turn itself", async () => {
    const host = recordingHost(() => ({ behavior: "deny", message: "no" }));
    const { cwd, driver } = await setup(writeScenario, host);
    await driver.start();
    const result = await driver.prompt("write hello");
    // Codex's only reject option is "abort": it stops the turn and answers stopReason "cancelled".
    expect(result.status).toBe("cancelled");
    expect(result.error).toContain("ended the turn itself");
    expect(existsSync(join(cwd, "codex.txt"))).toBe(false);
    expect(host.ofType("tool.finished")[0]).toMatchObject({ toolName: "execute", status: "denied" });
    expect((await driver.prompt("and now?")).status).toBe("completed");
  }, 30_000);

  it("readOnly (a planner): a patch Codex would apply by itself in the workspace asks first, and a denial keeps the file out", async () => {
    const patch = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: planner.txt\n+mine\n*** End Patch\nEOF";
    const scenario: ScenarioInput = { steps: [{ content: [{ text: "Patching." }, { tool_use: { name: "exec_command", input: { cmd: patch } } }] }, { content: [{ text: "Done." }] }] };
    const host = recordingHost(() => ({ behavior: "deny", message: "planner is read-only" }));
    const env = (url: string) => ({ OPENAI_API_KEY: "sk-stub", OPENAI_BASE_URL: `${url}/v1` });
    const { cwd, driver } = await launch({ name: "acp-codex-ro", config: { profile: "codex", stopGraceMs: 300, readOnly: true, mode: "auto" }, model: "gpt-5", scenario, host, env });
    await driver.start();
    await driver.prompt("make a note");
    expect(host.permissions.map((p) => p.request.extra?.kind)).toEqual(["edit"]);
    expect(existsSync(join(cwd, "planner.txt"))).toBe(false);
  }, 30_000);

  it("cancel mid-stream resolves cancelled within 2 s and the session goes on", async () => {
    const host = recordingHost();
    const { stub, driver } = await setup(slowThenShort, host);
    await driver.start();
    const { result, cancelMs } = await cancelMidTurn(driver, stub, (request) => request.path === "/v1/responses");
    expect(result.status).toBe("cancelled");
    expect(result.error).toBeUndefined();
    expect(cancelMs).toBeLessThan(2000);
    expect((await driver.prompt("still there?")).result).toContain("After the cancel.");
  }, 30_000);
});
