import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startModelStub } from "@rozet/model-stub";
import { createAcpDriver } from "../src/drivers/acp/index.ts";
import { resolveLaunch } from "../src/drivers/acp/profiles.ts";
import { claudeStubEnv, recordingHost } from "../src/drivers/acp/testing.ts";
import { realAgentResources } from "./acp-resources.ts";

// An ACP Claude turn costs its own model call and nothing else. Measured for two turns against the stub: 5 requests
// without CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC (2 connectivity checks, 1 session title, 2 turns), 3 with it. The
// adapter (claude-agent-acp) still asks for the session title once per session, flag or not.

const { dirs, stubs, drivers, release } = realAgentResources();
afterEach(release);

describe("ACP driver, claude profile: model traffic", () => {
  it("sets CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 unless the agent's env says otherwise", () => {
    expect(resolveLaunch({ config: { profile: "claude" }, env: {}, dataDir: "/tmp/x" }).env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC).toBe("1");
    expect(resolveLaunch({ config: { profile: "claude" }, env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "0" }, dataDir: "/tmp/x" }).env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC).toBe("0");
  });

  it("a turn makes only its own model calls: no connectivity checks, no per-turn side requests, even when the server's env lacks the flag", async () => {
    const stub = await startModelStub({
      scenario: {
        steps: [
          { match: { hasTools: true }, content: [{ text: "Hello there." }] },
          { match: { hasTools: true }, content: [{ text: "Bye now." }] },
        ],
        // Side requests (the session title) get a title the generator accepts, so it is asked for once.
        fallback: { content: [{ text: '{"title": "Team greetings"}' }] },
      },
    });
    stubs.push(stub);
    const cwd = await dirs.make("acp-traffic-ws-");
    const dataDir = await dirs.make("acp-traffic-cfg-");
    // What a server whose environment lacks the flag passes on: the profile must add it.
    const { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: _dropped, ...env } = claudeStubEnv(stub.url, dataDir);
    const driver = createAcpDriver({ agentId: "agent-1", sessionId: "session-1", cwd, config: { profile: "claude", stopGraceMs: 1500 }, env, dataDir, host: recordingHost() });
    drivers.push(driver);
    await driver.start();
    expect(await driver.prompt("please say hello to the whole team in one short line")).toEqual({ status: "completed", result: "Hello there." });
    const afterFirst = stub.requests.length;
    expect(await driver.prompt("and now say goodbye to the whole team, also in one line")).toEqual({ status: "completed", result: "Bye now." });
    // Stopped before counting: nothing the process would still send after its turns can be missed.
    await driver.stop();
    const describe = (list: typeof stub.requests) => JSON.stringify(list.map((r) => ({ m: r.method, path: r.path, step: r.step, tools: r.hasTools })));
    // Claude Code's connectivity checks (HEAD /api/hello) are non-essential traffic.
    expect(stub.requests.filter((r) => r.method !== "POST"), describe(stub.requests)).toEqual([]);
    // The second turn costs exactly its own model call (the adapter titles a session once, at its first prompt).
    expect(stub.requests.slice(afterFirst).map((r) => r.step), describe(stub.requests)).toEqual([1]);
    const modelCalls = stub.requests.filter((r) => r.path.startsWith("/v1/messages") && !r.path.includes("count_tokens"));
    expect(modelCalls.filter((r) => r.hasTools).map((r) => r.step)).toEqual([0, 1]);
  }, 60_000);

  it("loads no project settings by default: a project's own hooks do not run inside the agent (they would double its events)", async () => {
    const stub = await startModelStub({
      scenario: { steps: [{ match: { hasTools: true }, content: [{ text: "Hello there." }] }], fallback: { content: [{ text: '{"title": "Greeting"}' }] } },
    });
    stubs.push(stub);
    const cwd = await dirs.make("acp-hooks-ws-");
    const dataDir = await dirs.make("acp-hooks-cfg-");
    // What `rozet hooks install` leaves in a project, reduced to a hook that leaves a trace.
    mkdirSync(join(cwd, ".claude"));
    const hook = { hooks: [{ type: "command", command: `touch ${join(cwd, "hook-ran")}` }] };
    writeFileSync(join(cwd, ".claude", "settings.local.json"), JSON.stringify({ hooks: { UserPromptSubmit: [hook], Stop: [hook] } }));
    const driver = createAcpDriver({ agentId: "agent-1", sessionId: "session-1", cwd, config: { profile: "claude", stopGraceMs: 1500 }, env: claudeStubEnv(stub.url, dataDir), dataDir, host: recordingHost() });
    drivers.push(driver);
    await driver.start();
    expect(await driver.prompt("please say hello to the whole team in one short line")).toEqual({ status: "completed", result: "Hello there." });
    await driver.stop();
    expect(existsSync(join(cwd, "hook-ran"))).toBe(false);
  }, 60_000);
});
