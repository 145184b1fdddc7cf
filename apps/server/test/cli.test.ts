import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CLAUDE_HOOK_EVENTS } from "../src/cli/hooks-install.ts";
import { clientFor, removeHome, ROZET_BIN, runProcess, serverForFile, startTestServer, tempHome, type TestServer, waitFor } from "./harness.ts";
import { storeEnv } from "./test-store.ts";


const FIXTURES = fileURLToPath(new URL("../../../fixtures/claude-code/hooks", import.meta.url));

// A hook that cannot reach the server spools under ROZET_HOME: never the operator's ~/.rozet.
const hookHome = tempHome();
afterAll(() => removeHome(hookHome));

function run(args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) {
  return runProcess(process.execPath, [ROZET_BIN, ...args], { env: { ...process.env, ROZET_HOME: hookHome, ...opts.env }, stdin: opts.stdin });
}

let server: TestServer;
serverForFile((started) => void (server = started));

describe("rozet hook", () => {
  it("posts a real Claude Code hook payload from stdin", async () => {
    const payload = readFileSync(path.join(FIXTURES, "PostToolUse.json"), "utf8");
    const result = await run(["hook", "--url", server.url, "--app", "cli-hook"], { stdin: payload });
    expect(result.code).toBe(0);
    const client = clientFor(server.url);
    const session = (await client.api.session.list.query()).find((s) => s.name === "cli-hook");
    expect(session).toBeDefined();
    const page = await client.api.event.timeline.query({ sessionId: session!.id });
    expect(page.events).toMatchObject([{ type: "tool.finished", toolName: "Edit", hookEventType: "PostToolUse", status: "ok" }]);
    await client.close();
  });

  it("exits 0 quickly when the control room is down, never failing the agent", async () => {
    const result = await run(["hook", "--url", "http://127.0.0.1:9"], { stdin: '{"session_id":"x","hook_event_name":"Stop"}' });
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(5_000);
  });
});

describe("rozet hooks install", () => {
  it("writes every hook event, keeps the project's own hooks and is idempotent", async () => {
    const project = mkdtempSync(path.join(os.tmpdir(), "rozet-project-"));
    mkdirSync(path.join(project, ".claude"));
    const own = { type: "command", command: "echo mine" };
    writeFileSync(path.join(project, ".claude", "settings.local.json"), JSON.stringify({ model: "x", hooks: { Stop: [{ hooks: [own] }] } }));
    for (let i = 0; i < 2; i++) {
      const result = await run(["hooks", "install", project, "--url", server.url, "--app", "proj"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`wrote ${CLAUDE_HOOK_EVENTS.length} hook events`);
    }
    const settings = JSON.parse(readFileSync(path.join(project, ".claude", "settings.local.json"), "utf8"));
    expect(settings.model).toBe("x");
    expect(Object.keys(settings.hooks).sort()).toEqual([...CLAUDE_HOOK_EVENTS].sort());
    expect(settings.hooks.Stop).toEqual([{ hooks: [own] }, { hooks: [expect.objectContaining({ type: "http", url: `${server.url}/hooks/claude?app=proj` })] }]);
    expect(settings.hooks.SessionStart[0].hooks[0]).toMatchObject({ type: "command" });
    expect(settings.hooks.SessionStart[0].hooks[0].command).toContain("hook --url");
    expect(settings.hooks).not.toHaveProperty("WorktreeCreate");
  });
});

describe("rozet start", () => {
  it("prints the URL, serves, shuts down gracefully on SIGTERM and keeps acknowledged events", async () => {
    const home = tempHome();
    const child = spawn(process.execPath, [ROZET_BIN, "start", "--port", "0", "--home", home], { env: { ...process.env, ROZET_LOG_LEVEL: "warn", ...(await storeEnv(home)) } });
    let stdout = "";
    child.stdout.on("data", (c) => (stdout += c));
    const url = await waitFor(() => stdout.match(/is up: (http:\/\/127\.0\.0\.1:\d+)/)?.[1], 20_000, "printed URL");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const post = await fetch(`${url}/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ source_app: "cli-start", session_id: "s1", hook_event_type: "Stop", payload: {} }),
    });
    expect(post.status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);

    const again = await startTestServer({ home });
    const client = clientFor(again.url);
    const session = (await client.api.session.list.query()).find((s) => s.name === "cli-start");
    expect(session?.events).toBe(1);
    expect(again.room.database.appliedMigrations).toEqual([]);
    await client.close();
    await again.close();
    removeHome(home);
  });
});
