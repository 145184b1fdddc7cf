import { existsSync, readFileSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AgentDriver } from "../src/runtime/driver.ts";
import {
  AcpConfigError,
  createAcpDriver,
  parseAcpConfig,
  processGroupMembers,
  resolveInSandbox,
  resolveLaunch,
  SandboxError,
} from "../src/drivers/acp/index.ts";
import { catalogueViolations, neverAnswer, recordingHost, tempDirs, type RecordingHost } from "../src/drivers/acp/testing.ts";

// The driver against a scripted ACP agent (a real child process on the same SDK, launched with the `custom`
// profile). Each prompt text selects a behaviour, so the protocol edges are exercised deterministically.

const sdkUrl = pathToFileURL(createRequire(import.meta.url).resolve("@agentclientprotocol/sdk")).href;

const FAKE_AGENT = `
import { agent, ndJsonStream, RequestError } from ${JSON.stringify(sdkUrl)};
import { Readable, Writable } from "node:stream";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let cancelled = () => {};
let cwd = "";
let spent = 0;

async function run(text, sessionId, client) {
  const update = (u) => client.notify("session/update", { sessionId, update: u });
  const say = (t, messageId) => update({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: t }, ...(messageId ? { messageId } : {}) });
  switch (text) {
    case "coalesce":
      for (const t of ["Hel", "lo ", "one."]) await say(t, "m1");
      await update({ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: "thinking " } });
      await update({ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: "hard" } });
      for (const t of ["Second ", "message."]) await say(t, "m2");
      await update({ sessionUpdate: "usage_update", used: 10, size: 100 });
      for (const t of [" Same", " id."]) await say(t, "m2");
      await update({ sessionUpdate: "available_commands_update", availableCommands: [] });
      await update({ sessionUpdate: "plan", entries: [{ content: "Step A", priority: "high", status: "completed" }, { content: "Step B", priority: "low", status: "in_progress" }] });
      return { stopReason: "end_turn" };
    case "usage":
      // Cumulative for the session, as claude-agent-acp reports it; repeated totals are common.
      spent += 0.01;
      await update({ sessionUpdate: "usage_update", used: 5, size: 100, cost: { amount: spent, currency: "USD" } });
      await update({ sessionUpdate: "usage_update", used: 6, size: 100, cost: { amount: spent, currency: "USD" } });
      spent += 0.015;
      await update({ sessionUpdate: "usage_update", used: 7, size: 100, cost: { amount: spent, currency: "USD" } });
      return { stopReason: "end_turn", usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } };
    case "permission": {
      // Option ids deliberately misleading: only the kinds say what they mean. No tool_call before (Gemini style).
      const options = [
        { optionId: "allow", kind: "reject_once", name: "No" },
        { optionId: "x-always", kind: "allow_always", name: "Always" },
        { optionId: "reject", kind: "allow_once", name: "Yes" },
        { optionId: "y-never", kind: "reject_always", name: "Never" },
      ];
      const answer = await client.request("session/request_permission", {
        sessionId,
        toolCall: { toolCallId: "call-1", title: "Run rm -rf build", kind: "execute", rawInput: { command: "rm -rf build" } },
        options,
      });
      await say(answer.outcome.outcome === "selected" ? "selected:" + answer.outcome.optionId : "outcome:" + answer.outcome.outcome);
      await update({ sessionUpdate: "tool_call_update", toolCallId: "call-1", status: "completed" });
      return { stopReason: "end_turn" };
    }
    case "permission-wait": {
      await update({ sessionUpdate: "tool_call", toolCallId: "call-2", title: "Edit a.txt", kind: "edit", status: "pending", rawInput: { path: "a.txt" } });
      const answer = await client.request("session/request_permission", {
        sessionId,
        toolCall: { toolCallId: "call-2" },
        options: [{ optionId: "o1", kind: "allow_once", name: "Yes" }, { optionId: "o2", kind: "reject_once", name: "No" }],
      });
      process.stderr.write("permission outcome: " + JSON.stringify(answer.outcome) + "\\n");
      // Like the old Claude adapter: no closing update for the tool call.
      return { stopReason: answer.outcome.outcome === "cancelled" ? "cancelled" : "end_turn" };
    }
    case "fs": {
      const results = [];
      for (const path of [cwd + "/sub/in.txt", cwd + "/../escape.txt", "/etc/acp-evil.txt", cwd + "/link/out.txt"]) {
        try {
          await client.request("fs/write_text_file", { sessionId, path, content: "line1\\nline2\\nline3\\n" });
          results.push("wrote " + path);
        } catch (error) {
          results.push("refused " + path + ": " + error.message);
        }
      }
      const read = await client.request("fs/read_text_file", { sessionId, path: cwd + "/sub/in.txt", line: 2, limit: 1 });
      results.push("read " + JSON.stringify(read.content));
      try {
        await client.request("fs/read_text_file", { sessionId, path: "/etc/hostname" });
        results.push("read outside");
      } catch (error) {
        results.push("refused read: " + error.message);
      }
      await say(results.join("\\n"));
      return { stopReason: "end_turn" };
    }
    case "big-diff": {
      const newText = "x".repeat(300 * 1024);
      await update({ sessionUpdate: "tool_call", toolCallId: "call-3", title: "Write big.txt", kind: "edit", status: "in_progress",
        rawInput: { file_path: cwd + "/big.txt" }, content: [{ type: "diff", path: cwd + "/big.txt", oldText: null, newText }] });
      await update({ sessionUpdate: "tool_call_update", toolCallId: "call-3", status: "completed" });
      await update({ sessionUpdate: "tool_call", toolCallId: "call-4", title: "Edit small.txt", kind: "edit", status: "in_progress",
        rawInput: { file_path: cwd + "/small.txt" }, content: [{ type: "diff", path: cwd + "/small.txt", oldText: "a\\nb\\n", newText: "a\\nc\\n" }] });
      await update({ sessionUpdate: "tool_call_update", toolCallId: "call-4", status: "failed" });
      return { stopReason: "end_turn" };
    }
    case "small-diff": {
      await update({ sessionUpdate: "tool_call", toolCallId: "call-5", title: "Edit small.txt", kind: "edit", status: "in_progress",
        rawInput: { file_path: cwd + "/small.txt" }, content: [{ type: "diff", path: cwd + "/small.txt", oldText: "a\\nb\\n", newText: "a\\nc\\n" }] });
      await update({ sessionUpdate: "tool_call", toolCallId: "call-7", title: "Write new.txt", kind: "edit", status: "in_progress",
        rawInput: { file_path: cwd + "/new.txt" }, content: [{ type: "diff", path: cwd + "/new.txt", oldText: null, newText: "hello\\n" }] });
      await update({ sessionUpdate: "tool_call_update", toolCallId: "call-5", status: "completed" });
      await update({ sessionUpdate: "tool_call_update", toolCallId: "call-7", status: "completed" });
      return { stopReason: "end_turn" };
    }
    case "late-tool":
      await update({ sessionUpdate: "tool_call", toolCallId: "call-6", title: "npm test", kind: "execute", status: "in_progress", rawInput: { command: "npm test" } });
      setTimeout(() => void update({ sessionUpdate: "tool_call_update", toolCallId: "call-6", status: "completed" }), 100);
      return { stopReason: "end_turn" };
    case "refusal":
      await say("I won't.");
      return { stopReason: "refusal" };
    case "max-tokens":
      return { stopReason: "max_tokens" };
    case "error":
      throw RequestError.internalError({ errorKind: "server_error" }, "API Error: 500 boom");
    case "crash":
      process.stderr.write("fatal: the agent fell over\\n");
      setTimeout(() => process.exit(3), 20);
      await sleep(10_000);
      return { stopReason: "end_turn" };
    case "slow": {
      await update({ sessionUpdate: "tool_call", toolCallId: "call-5", title: "sleep 60", kind: "execute", status: "in_progress", rawInput: { command: "sleep 60" } });
      await new Promise((resolve) => { cancelled = resolve; });
      return { stopReason: "cancelled" };
    }
    case "deaf":
      await new Promise(() => {});
      return { stopReason: "end_turn" };
    default:
      await say("echo: " + text);
      return { stopReason: "end_turn" };
  }
}

agent({ name: "fake-agent" })
  .onRequest("initialize", () => ({ protocolVersion: 1, agentCapabilities: { loadSession: false }, authMethods: [] }))
  .onRequest("session/new", ({ params }) => {
    cwd = params.cwd;
    return { sessionId: "fake-session", modes: { currentModeId: "ask", availableModes: [{ id: "ask", name: "Ask" }, { id: "yolo", name: "Yolo" }] } };
  })
  .onRequest("session/set_mode", ({ params }) => {
    process.stderr.write("mode " + params.modeId + "\\n");
    return {};
  })
  .onRequest("session/prompt", ({ params, client }) => run(params.prompt[0].text, params.sessionId, client))
  .onNotification("session/cancel", () => cancelled())
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
// Like codex-acp: keep running after stdin closes, so stop() has to signal.
if (process.argv.includes("--ignore-eof")) setInterval(() => {}, 1000);
`;

const dirs = tempDirs();
const drivers: AgentDriver[] = [];
let agentPath = "";

beforeAll(async () => {
  const dir = await dirs.make("acp-fake-agent-");
  agentPath = join(dir, "fake-agent.mjs");
  await writeFile(agentPath, FAKE_AGENT);
  return () => dirs.cleanup();
});

const hosts: RecordingHost[] = [];

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.stop()));
  // Every event the driver reported has the payload shape the catalogue (and the web) expects.
  expect(hosts.splice(0).flatMap((host) => catalogueViolations(host.events))).toEqual([]);
});

async function fakeDriver(host: RecordingHost, config: Record<string, unknown> = {}) {
  hosts.push(host);
  const cwd = await dirs.make("acp-fake-ws-");
  const driver = createAcpDriver({
    agentId: "agent-1",
    sessionId: "session-1",
    cwd,
    config: { profile: "custom", command: [process.execPath, agentPath], stopGraceMs: 500, ...config },
    env: {},
    dataDir: join(cwd, ".data"),
    host,
  });
  drivers.push(driver);
  const info = await driver.start();
  return { driver, cwd, info };
}

describe("ACP driver against a scripted agent", () => {
  it("coalesces chunks into one event per message (by messageId and by kind), maps thoughts and plans", async () => {
    const host = recordingHost();
    const { driver } = await fakeDriver(host);
    const result = await driver.prompt("coalesce");
    expect(result).toEqual({ status: "completed", result: "Second message. Same id." });
    expect(host.events.map((event) => [event.type, ("text" in event.payload ? event.payload.text : undefined) ?? event.summary])).toEqual([
      ["message.assistant", "Hello one."],
      ["message.thinking", "thinking hard"],
      ["message.assistant", "Second message. Same id."],
      ["agent.plan", "plan 1/2 done: Step B"],
      ["usage", "context 10/100 tokens"], // no cost, no tokens: the context fill at the end of the turn
    ]);
    expect(host.events[0]!.payload.raw).toHaveLength(3);
  });

  it("reports cost as deltas of the cumulative amount and tokens from the prompt response", async () => {
    const host = recordingHost();
    const { driver } = await fakeDriver(host);
    await driver.prompt("usage");
    await driver.prompt("usage");
    const usage = host.ofType("usage");
    expect(usage.filter((event) => event.costUsd !== undefined).map((event) => Number(event.costUsd!.toFixed(6)))).toEqual([0.01, 0.015, 0.01, 0.015]);
    expect(usage.filter((event) => event.inputTokens !== undefined).map((event) => [event.inputTokens, event.outputTokens])).toEqual([
      [10, 5],
      [10, 5],
    ]);
    expect(usage[0]!.payload).toMatchObject({ cumulative: 0.01, contextUsed: 5, raw: { sessionUpdate: "usage_update" } });
  });

  it("answers permissions by option kind, never by id", async () => {
    const host = recordingHost();
    const { driver } = await fakeDriver(host);
    expect(await driver.prompt("permission")).toMatchObject({ result: "selected:reject" }); // the allow_once option
    host.decide = () => ({ behavior: "deny", message: "no" });
    expect(await driver.prompt("permission")).toMatchObject({ result: "selected:allow" }); // the reject_once option

    const asked = host.permissions[0]!.request;
    expect(asked).toMatchObject({ toolName: "execute", toolUseId: "call-1", input: { command: "rm -rf build" }, reason: "Run rm -rf build" });
    expect(asked.extra?.options).toHaveLength(4);
    // A permission for a tool call never announced still starts it, and the completion finishes it.
    expect(host.ofType("tool.started")[0]).toMatchObject({ toolName: "execute", summary: "execute: rm -rf build" });
    expect(host.ofType("tool.finished")[0]).toMatchObject({ status: "ok" });
  });

  it("cancel answers the pending permission 'cancelled' and closes the open tool call", async () => {
    const host = recordingHost(neverAnswer);
    const { driver } = await fakeDriver(host);
    const turn = driver.prompt("permission-wait");
    const pending = await host.nextPermission();
    await driver.cancel();
    expect(pending.signal.aborted).toBe(true);
    expect(await turn).toEqual({ status: "cancelled", result: undefined });
    expect(host.ofType("tool.finished")).toEqual([
      expect.objectContaining({ status: "cancelled", toolName: "edit", payload: expect.objectContaining({ toolCallId: "call-2" }) }),
    ]);
    expect((await driver.prompt("hello")).result).toBe("echo: hello");
  });

  it("cancel during a running tool: the agent confirms, the tool ends cancelled", async () => {
    const host = recordingHost();
    const { driver } = await fakeDriver(host);
    const turn = driver.prompt("slow");
    while (host.ofType("tool.started").length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await driver.cancel();
    expect((await turn).status).toBe("cancelled");
    expect(host.ofType("tool.finished")[0]).toMatchObject({ status: "cancelled", toolName: "execute" });
  });

  it("cancel resolves the turn even when the agent never answers (cancelTimeoutMs)", async () => {
    const host = recordingHost();
    const { driver } = await fakeDriver(host, { cancelTimeoutMs: 300 });
    const turn = driver.prompt("deaf");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const at = Date.now();
    await driver.cancel();
    expect((await turn).status).toBe("cancelled");
    expect(Date.now() - at).toBeLessThan(1000);
    expect(host.ofType("agent.notice")[0]).toMatchObject({ payload: { kind: "cancel_timeout" } });
  });

  it("maps stop reasons and JSON-RPC errors to TurnResult", async () => {
    const host = recordingHost();
    const { driver } = await fakeDriver(host);
    expect(await driver.prompt("refusal")).toMatchObject({ status: "failed", result: "I won't.", error: expect.stringContaining("refusal") });
    expect(await driver.prompt("max-tokens")).toMatchObject({ status: "failed", error: expect.stringContaining("max_tokens") });
    const failed = await driver.prompt("error");
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("API Error: 500 boom");
    expect(failed.error).toContain("-32603");
    expect(host.ofType("agent.error")[0]).toMatchObject({ payload: { code: -32603, data: { errorKind: "server_error" } } });
    expect((await driver.prompt("still alive?")).status).toBe("completed");
  });

  it("serves fs requests inside the workspace only", async () => {
    const host = recordingHost();
    const { driver, cwd } = await fakeDriver(host);
    const outside = await dirs.make("acp-outside-");
    await symlink(outside, join(cwd, "link"));
    const result = await driver.prompt("fs");
    const lines = result.result!.split("\n");
    expect(lines[0]).toBe(`wrote ${cwd}/sub/in.txt`);
    expect(lines[1]).toMatch(/^refused .*escape\.txt: .*outside the session workspace/);
    expect(lines[2]).toMatch(/^refused \/etc\/acp-evil\.txt: .*outside the session workspace/);
    expect(lines[3]).toMatch(/^refused .*link\/out\.txt: .*outside the session workspace/);
    expect(lines[4]).toBe('read "line2"');
    expect(lines[5]).toMatch(/^refused read: .*outside the session workspace/);
    expect(readFileSync(join(cwd, "sub/in.txt"), "utf8")).toBe("line1\nline2\nline3\n");
    expect(existsSync(join(cwd, "../escape.txt"))).toBe(false);
    expect(existsSync(join(outside, "out.txt"))).toBe(false);
  });

  it("readOnly (a planner): every file write through the client file system is refused, reads still work", async () => {
    const host = recordingHost();
    const { driver, cwd } = await fakeDriver(host, { readOnly: true });
    await mkdir(join(cwd, "sub"), { recursive: true });
    await writeFile(join(cwd, "sub/in.txt"), "a\nb\n");
    const lines = (await driver.prompt("fs")).result!.split("\n");
    expect(lines[0]).toMatch(/^refused .*sub\/in\.txt: .*read-only/);
    expect(lines[4]).toBe('read "b"');
    expect(readFileSync(join(cwd, "sub/in.txt"), "utf8")).toBe("a\nb\n");
  });

  it("file.changed only for completed tools, with large diffs summarized", async () => {
    const host = recordingHost();
    const { driver, cwd } = await fakeDriver(host);
    await driver.prompt("big-diff");
    const changed = host.ofType("file.changed");
    expect(changed).toHaveLength(1); // call-4 failed: its proposed edit never happened
    // The catalogue's file.changed shape (docs/events.md): summarized, never dropped, no patch text.
    expect(changed[0]).toMatchObject({ filePath: `${cwd}/big.txt`, payload: { path: `${cwd}/big.txt`, kind: "create", summarized: true, added: 1, removed: 0 } });
    expect(changed[0]!.payload).not.toHaveProperty("patch");
    expect(typeof changed[0]!.payload.reason).toBe("string");
    expect(JSON.stringify(changed[0]!.payload).length).toBeLessThan(1000);
    expect(host.ofType("tool.finished").map((event) => event.status)).toEqual(["ok", "error"]);
  });

  it("file.changed carries the catalogue shape the web reads: path, kind, patch, added, removed", async () => {
    const host = recordingHost();
    const { driver, cwd } = await fakeDriver(host);
    await driver.prompt("small-diff");
    const changed = host.ofType("file.changed");
    expect(changed.map((event) => event.filePath)).toEqual([`${cwd}/small.txt`, `${cwd}/new.txt`]);
    expect(changed[0]!.payload).toMatchObject({ path: `${cwd}/small.txt`, kind: "update", summarized: false, added: 1, removed: 1, toolCallId: "call-5" });
    expect(changed[0]!.payload.patch).toContain("-b\n+c");
    expect(changed[0]!.summary).toBe(`updated ${cwd}/small.txt (+1 −1)`);
    expect(changed[1]!.payload).toMatchObject({ path: `${cwd}/new.txt`, kind: "create", summarized: false, added: 1, removed: 0 });
    expect(changed[1]!.payload.patch).toContain("--- /dev/null");
  });

  it("a tool still running when the turn ends is closed 'incomplete'; its late completion is an update", async () => {
    const host = recordingHost();
    const { driver } = await fakeDriver(host);
    expect((await driver.prompt("late-tool")).status).toBe("completed");
    expect(host.ofType("tool.finished")).toEqual([expect.objectContaining({ status: "incomplete", toolName: "execute" })]);
    await driver.prompt("next turn"); // the late update arrives during another turn
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(host.ofType("tool.started")).toHaveLength(1);
    expect(host.ofType("tool.finished")).toHaveLength(1);
    expect(host.ofType("tool.updated").at(-1)).toMatchObject({ status: "ok", payload: { late: true, toolCallId: "call-6" } });
  });

  it("reports an unexpected exit with the exit code and stderr, and fails the turn", async () => {
    const host = recordingHost();
    const { driver, info } = await fakeDriver(host);
    const result = await driver.prompt("crash");
    expect(result.status).toBe("failed");
    expect(result.error).toContain("exited with code 3");
    expect(result.error).toContain("fatal: the agent fell over");
    expect(host.exits).toHaveLength(1);
    expect(host.exits[0]).toContain("exited with code 3");
    expect(processGroupMembers(info.processId!)).toEqual([]);
    expect((await driver.prompt("anyone?")).status).toBe("failed");
  });

  it("stop() signals the group when the agent ignores stdin EOF; setMode and config.mode work", async () => {
    const host = recordingHost();
    const { driver, info } = await fakeDriver(host, { args: ["--ignore-eof"], mode: "yolo" });
    await driver.setMode!("ask");
    const at = Date.now();
    await driver.stop();
    expect(processGroupMembers(info.processId!)).toEqual([]);
    expect(Date.now() - at).toBeGreaterThanOrEqual(450); // waited the grace period first
    expect(Date.now() - at).toBeLessThan(3000);
    expect(host.exits).toEqual([]);
  });

  it("a command that cannot be spawned fails start() with the reason", async () => {
    const host = recordingHost();
    const cwd = await dirs.make("acp-fake-ws-");
    const driver = createAcpDriver({
      agentId: "a",
      sessionId: "s",
      cwd,
      config: { profile: "custom", command: ["/nonexistent/agent-binary"] },
      env: {},
      dataDir: join(cwd, ".data"),
      host,
    });
    await expect(driver.start()).rejects.toThrow(/cannot start \/nonexistent\/agent-binary: .*ENOENT/);
    expect(host.exits).toEqual([]);
  });
});

describe("ACP driver pieces", () => {
  it("validates launch config: custom needs an argv array; other profiles take no command", () => {
    expect(() => parseAcpConfig({ profile: "custom" })).toThrow(AcpConfigError);
    expect(() => parseAcpConfig({ profile: "custom", command: "node agent.js" })).toThrow(AcpConfigError);
    expect(() => parseAcpConfig({ profile: "custom", command: [] })).toThrow(AcpConfigError);
    expect(() => parseAcpConfig({ profile: "custom", command: ["node", ""] })).toThrow(AcpConfigError);
    expect(() => parseAcpConfig({ profile: "custom", command: ["node", "a\0b"] })).toThrow(AcpConfigError);
    expect(() => parseAcpConfig({ profile: "claude", command: ["x"] })).toThrow(AcpConfigError);
    expect(() => parseAcpConfig({ profile: "vim" })).toThrow(AcpConfigError);
    expect(parseAcpConfig({ profile: "custom", command: ["node", "a b.js"] }).command).toEqual(["node", "a b.js"]);
  });

  it("resolves launch specs per profile with a minimal env", () => {
    process.env.ROZET_SECRET_FOR_TEST = "leak";
    try {
      const claude = resolveLaunch({ config: parseAcpConfig({ profile: "claude" }), env: { ANTHROPIC_API_KEY: "k" }, dataDir: "/data/a" });
      expect(claude.command).toBe(process.execPath);
      expect(claude.args[0]).toMatch(/claude-agent-acp\/dist\/index\.js$/);
      expect(claude.initialMode).toBe("default");
      expect(claude.env).toMatchObject({ ANTHROPIC_API_KEY: "k", CLAUDE_CONFIG_DIR: "/data/a", PATH: process.env.PATH });
      expect(claude.env.ROZET_SECRET_FOR_TEST).toBeUndefined();

      const codex = resolveLaunch({
        config: parseAcpConfig({ profile: "codex" }),
        env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
        dataDir: "/data/b",
        model: "gpt-5",
      });
      expect(codex.command).toMatch(/codex-acp-linux-x64\/bin\/codex-acp$|codex-acp/);
      expect(codex.args.join(" ")).toContain('base_url="http://127.0.0.1:9/v1"');
      expect(codex.args).toContain('model="gpt-5"');
      expect(codex.args.join(" ")).not.toContain("k\"");
      expect(codex.env.CODEX_HOME).toBe("/data/b");
      expect(codex.authMethods).toEqual(["openai-api-key"]);

      const gemini = resolveLaunch({ config: parseAcpConfig({ profile: "gemini" }), env: { GEMINI_API_KEY: "k" }, dataDir: "/d", model: "gemini-2.5-pro" });
      expect(gemini.args).toEqual(expect.arrayContaining(["--acp", "-m", "gemini-2.5-pro"]));
      expect(gemini.args[0]).toMatch(/@google\/gemini-cli\/bundle\/gemini\.js$/);
      expect(gemini.env).toMatchObject({ GEMINI_CLI_HOME: "/d", GEMINI_CLI_NO_RELAUNCH: "true" });
      expect(gemini.clientFileSystem).toBe(false);
      expect(JSON.parse(gemini.files!["/d/.gemini/settings.json"]!)).toMatchObject({ privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false } });

      const opencode = resolveLaunch({
        config: parseAcpConfig({ profile: "opencode" }),
        env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:9/", OPENCODE_DISABLE_SHARE: "0" },
        dataDir: "/d",
        model: "claude-sonnet-4-5",
      });
      expect(opencode.args).toEqual(["acp"]);
      // The native binary of opencode-<os>-<arch>, not opencode-ai's placeholder bin.
      expect(opencode.command).toMatch(/opencode-linux-x64\/bin\/opencode$/);
      expect(opencode.env).toMatchObject({ XDG_CONFIG_HOME: "/d/config", XDG_DATA_HOME: "/d/data", OPENCODE_DISABLE_MODELS_FETCH: "1", OPENCODE_DISABLE_SHARE: "0" });
      expect(JSON.parse(opencode.env.OPENCODE_CONFIG_CONTENT!)).toMatchObject({
        model: "anthropic/claude-sonnet-4-5",
        provider: { anthropic: { options: { baseURL: "http://127.0.0.1:9/v1" } } },
        permission: { edit: "ask", bash: "ask" },
      });
      expect(Object.keys(opencode.files!)).toContain("/d/config/opencode/package-lock.json");
      // Its local HTTP API (which the ACP layer talks to) takes a per-launch password.
      expect(opencode.env.OPENCODE_SERVER_PASSWORD).toMatch(/^[\w-]{32}$/);
    } finally {
      delete process.env.ROZET_SECRET_FOR_TEST;
    }
  });

  it("readOnly (a planner) starts each profile in the mode that asks before edits and commands, whatever config.mode says", () => {
    const launch = (profile: "claude" | "codex" | "gemini" | "opencode", extra: Record<string, unknown> = {}, env: Record<string, string> = {}) =>
      resolveLaunch({ config: parseAcpConfig({ profile, readOnly: true, ...extra }), env: { OPENAI_API_KEY: "k", ...env }, dataDir: "/d" });
    expect(launch("claude", { mode: "bypassPermissions" }).initialMode).toBe("default");
    expect(launch("codex", { mode: "full-access" }).initialMode).toBe("read-only");
    expect(launch("gemini", { mode: "yolo" }).initialMode).toBe("default");
    // OpenCode has no such mode: its permissions ask, also over a config of the operator's that allows.
    const opencode = launch("opencode", {}, { OPENCODE_CONFIG_CONTENT: JSON.stringify({ model: "anthropic/x", permission: { edit: "allow", bash: "allow" } }) });
    expect(JSON.parse(opencode.env.OPENCODE_CONFIG_CONTENT!)).toEqual({ model: "anthropic/x", permission: { edit: "ask", bash: "ask", webfetch: "ask" } });
    // Not read-only: the mode given is kept.
    expect(resolveLaunch({ config: parseAcpConfig({ profile: "codex", mode: "auto" }), env: {}, dataDir: "/d" }).initialMode).toBe("auto");
  });

  it("sandbox resolution refuses .., absolute paths elsewhere, symlinks out and dangling links", async () => {
    const root = await dirs.make("acp-sandbox-");
    const outside = await dirs.make("acp-sandbox-out-");
    await mkdir(join(root, "dir"));
    await symlink(outside, join(root, "out"));
    await symlink(join(outside, "missing.txt"), join(root, "dangling"));
    expect(await resolveInSandbox(root, "dir/new/file.txt")).toBe(join(root, "dir/new/file.txt"));
    expect(await resolveInSandbox(root, join(root, "dir"))).toBe(join(root, "dir"));
    await expect(resolveInSandbox(root, "../x")).rejects.toThrow(SandboxError);
    await expect(resolveInSandbox(root, "/etc/passwd")).rejects.toThrow(SandboxError);
    await expect(resolveInSandbox(root, "out/file.txt")).rejects.toThrow(SandboxError);
    await expect(resolveInSandbox(root, "dangling")).rejects.toThrow(SandboxError);
  });
});
