import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startModelStub, type ScenarioInput } from "@rozet/model-stub";
import { createAcpDriver, processGroupMembers } from "../src/drivers/acp/index.ts";
import { liveProcessGroups } from "../src/process/registry.ts";
import { claudeStubEnv, neverAnswer, recordingHost, type RecordingHost } from "../src/drivers/acp/testing.ts";
import { realAgentResources } from "./acp-resources.ts";

// The real claude-agent-acp adapter (and the native Claude Code it runs) against the model stub. Steps match
// `hasTools: true` so Claude Code's side requests (session title, no tools) take the fallback, not the script.

const { dirs, stubs, drivers, release } = realAgentResources();
afterEach(release);

const withTools = { hasTools: true } as const;

function writeScenario(content = "hello world\n"): ScenarioInput {
  return {
    steps: [
      {
        match: withTools,
        content: [{ text: "I'll create hello.txt." }, { tool_use: { name: "Write", input: { file_path: "{{cwd}}/hello.txt", content } } }],
        usage: { input_tokens: 1000, output_tokens: 50 },
      },
      { match: withTools, content: [{ text: "Done: hello.txt is written." }], usage: { input_tokens: 1200, output_tokens: 40 } },
      { match: { hasTools: true, lastUserTextIncludes: "again" }, content: [{ text: "Second answer." }] },
    ],
    fallback: { content: [{ text: "side request" }] },
  };
}

async function setup(scenario: ScenarioInput, host: RecordingHost, resumeSessionId?: string) {
  const stub = await startModelStub({ scenario });
  stubs.push(stub);
  const cwd = await dirs.make("acp-claude-ws-");
  const dataDir = await dirs.make("acp-claude-cfg-");
  const driver = createAcpDriver({
    agentId: "agent-1",
    sessionId: "session-1",
    cwd,
    config: { profile: "claude", stopGraceMs: 1500 },
    env: claudeStubEnv(stub.url, dataDir),
    dataDir,
    resumeSessionId,
    host,
  });
  drivers.push(driver);
  return { stub, cwd, dataDir, driver };
}

function types(host: RecordingHost): string[] {
  return host.events.map((event) => event.type);
}

describe("ACP driver, claude profile (claude-agent-acp + model stub)", () => {
  it("asks the host before a Write; allow writes the file; events, usage, follow-up and stop", async () => {
    const host = recordingHost();
    const { stub, cwd, driver } = await setup(writeScenario(), host);
    const info = await driver.start();
    expect(info.externalSessionId).toMatch(/\S/);
    expect(info.processId).toBeGreaterThan(0);

    const result = await driver.prompt("write hello");
    expect(result).toEqual({ status: "completed", result: "Done: hello.txt is written." });
    expect(readFileSync(join(cwd, "hello.txt"), "utf8")).toBe("hello world\n");

    // The permission reached the runtime boundary with the tool, its input and the agent's options.
    expect(host.permissions).toHaveLength(1);
    const asked = host.permissions[0]!.request;
    expect(asked.toolName).toBe("Write");
    expect(asked.input).toMatchObject({ file_path: join(cwd, "hello.txt"), content: "hello world\n" });
    expect(asked.toolUseId).toMatch(/^toolu_/);
    expect((asked.extra?.options as Array<{ kind: string }>).map((option) => option.kind)).toContain("allow_once");

    const seen = types(host);
    for (const type of ["message.assistant", "tool.started", "tool.finished", "file.changed", "usage"]) expect(seen).toContain(type);
    // Order of one tool call: started, finished, then the file it changed.
    expect(seen.indexOf("tool.started")).toBeLessThan(seen.indexOf("tool.finished"));
    expect(seen.indexOf("tool.finished")).toBeLessThan(seen.indexOf("file.changed"));
    const started = host.ofType("tool.started")[0]!;
    expect(started).toMatchObject({ toolName: "Write", payload: { toolCallId: asked.toolUseId } });
    expect(host.ofType("tool.finished")[0]).toMatchObject({ toolName: "Write", status: "ok" });
    const changed = host.ofType("file.changed")[0]!;
    expect(changed.filePath).toBe(join(cwd, "hello.txt"));
    expect(changed.payload.patch).toContain("+hello world");
    expect(changed.payload.raw).toMatchObject({ type: "diff" });

    // Coalesced: one event per message, not per token.
    expect(host.ofType("message.assistant").map((event) => event.payload.text)).toEqual(["I'll create hello.txt.", "Done: hello.txt is written."]);
    const costs = host.ofType("usage").filter((event) => event.costUsd !== undefined);
    expect(costs.length).toBeGreaterThan(0);
    expect(costs.every((event) => (event.costUsd ?? 0) > 0)).toBe(true);
    expect(host.ofType("usage").find((event) => event.inputTokens !== undefined)).toMatchObject({ inputTokens: 2200, outputTokens: 90 });
    for (const event of host.events) expect(event.payload).toHaveProperty("raw");
    expect(host.activityCount).toBeGreaterThan(0);

    // Follow-up in the same session: the model sees the earlier exchange.
    const costBefore = costs.reduce((sum, event) => sum + (event.costUsd ?? 0), 0);
    const second = await driver.prompt("say it again");
    expect(second).toEqual({ status: "completed", result: "Second answer." });
    const last = stub.requests.filter((request) => request.hasTools).at(-1)!;
    expect(JSON.stringify(last.body)).toContain("Done: hello.txt is written.");
    const costAfter = host.ofType("usage").reduce((sum, event) => sum + (event.costUsd ?? 0), 0);
    expect(costAfter).toBeGreaterThan(costBefore); // deltas, not a re-sent cumulative total

    const pid = info.processId!;
    expect(processGroupMembers(pid).length).toBeGreaterThan(0);
    const stopping = Date.now();
    await driver.stop();
    expect(processGroupMembers(pid)).toEqual([]);
    expect(liveProcessGroups().filter((group) => group.pgid === pid)).toEqual([]);
    expect(Date.now() - stopping).toBeLessThan(5000);
    expect(host.exits).toEqual([]); // asked to stop: not a crash
  }, 30_000);

  it("deny: the file is never written and the tool ends as denied", async () => {
    const host = recordingHost(() => ({ behavior: "deny", message: "not allowed" }));
    const { cwd, driver } = await setup(writeScenario(), host);
    await driver.start();
    const result = await driver.prompt("write hello");
    expect(result.status).toBe("completed");
    expect(host.permissions).toHaveLength(1);
    expect(existsSync(join(cwd, "hello.txt"))).toBe(false);
    expect(host.ofType("tool.finished")[0]).toMatchObject({ toolName: "Write", status: "denied" });
    expect(host.ofType("file.changed")).toEqual([]);
  }, 30_000);

  it("cancel mid-stream resolves cancelled within 2 s, and the session takes another prompt", async () => {
    const host = recordingHost();
    const slow: ScenarioInput = {
      steps: [
        { match: withTools, delayMs: 100, chunkDelayMs: 500, content: [{ text: "A long answer that streams slowly. ".repeat(20) }] },
        { match: withTools, content: [{ text: "After the cancel." }] },
      ],
      fallback: { content: [{ text: "side request" }] },
    };
    const { stub, driver } = await setup(slow, host);
    await driver.start();
    const turn = driver.prompt("talk slowly");
    // Wait until the model request is in flight and streaming.
    while (!stub.requests.some((request) => request.hasTools)) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 800));
    const cancelledAt = Date.now();
    await driver.cancel();
    const result = await turn;
    expect(result.status).toBe("cancelled");
    expect(Date.now() - cancelledAt).toBeLessThan(2000);

    const next = await driver.prompt("are you there?");
    expect(next).toEqual({ status: "completed", result: "After the cancel." });
  }, 30_000);

  it("cancel while a permission is pending: the request is withdrawn and nothing is written", async () => {
    const host = recordingHost(neverAnswer);
    const { cwd, driver } = await setup(writeScenario(), host);
    await driver.start();
    const turn = driver.prompt("write hello");
    const pending = await host.nextPermission();
    const cancelledAt = Date.now();
    await driver.cancel();
    expect(pending.signal.aborted).toBe(true);
    const result = await turn;
    expect(result.status).toBe("cancelled");
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
    expect(existsSync(join(cwd, "hello.txt"))).toBe(false);
    expect(host.ofType("tool.finished")[0]).toMatchObject({ toolName: "Write", status: "cancelled" });
  }, 30_000);

  it("a killed agent is reported through host.exited and fails the running turn", async () => {
    const host = recordingHost(neverAnswer);
    const { driver } = await setup(writeScenario(), host);
    const { processId } = await driver.start();
    const turn = driver.prompt("write hello");
    await host.nextPermission();
    process.kill(processId!, "SIGKILL");
    const result = await turn;
    expect(result.status).toBe("failed");
    expect(result.error).toContain("SIGKILL");
    expect(host.exits).toHaveLength(1);
    expect(host.exits[0]).toContain("killed by SIGKILL");
    // The adapter's own child (native claude) must not outlive it.
    const deadline = Date.now() + 5000;
    while (processGroupMembers(processId!).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processGroupMembers(processId!)).toEqual([]);
  }, 30_000);

  it("resumes a session in a new process (session/resume), keeping the history", async () => {
    const host = recordingHost();
    const scenario: ScenarioInput = {
      steps: [
        { match: withTools, content: [{ text: "Remember: the code word is PAPAYA." }] },
        { match: withTools, content: [{ text: "Resumed answer." }] },
      ],
      fallback: { content: [{ text: "side request" }] },
    };
    const first = await setup(scenario, host);
    const { externalSessionId } = await first.driver.start();
    expect((await first.driver.prompt("remember something")).status).toBe("completed");
    await first.driver.stop();

    const resumed = createAcpDriver({
      agentId: "agent-1",
      sessionId: "session-1",
      cwd: first.cwd,
      config: { profile: "claude", stopGraceMs: 1500 },
      env: claudeStubEnv(first.stub.url, first.dataDir),
      dataDir: first.dataDir,
      resumeSessionId: externalSessionId,
      host,
    });
    drivers.push(resumed);
    const info = await resumed.start();
    expect(info.externalSessionId).toBe(externalSessionId);
    expect(await resumed.prompt("what was the code word?")).toEqual({ status: "completed", result: "Resumed answer." });
    const last = first.stub.requests.filter((request) => request.hasTools).at(-1)!;
    expect(JSON.stringify(last.body)).toContain("PAPAYA");
  }, 30_000);
});
