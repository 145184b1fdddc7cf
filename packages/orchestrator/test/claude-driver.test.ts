import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { claudeCodeEnv, startModelStub, type ModelStub } from "@rozet/model-stub";
import { afterEach, describe, expect, it } from "vitest";
import { createClaudeDriver } from "../src/drivers/claude/claude-driver.ts";
import type { AgentDriver, TurnResult } from "../src/runtime/driver.ts";

/** The Claude driver alone (real Claude Code, the model stub), with a bare host that records what it is told. */
describe("claude driver (real Claude Code, model stub)", () => {
  let stub: ModelStub | undefined;
  let driver: AgentDriver | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await driver?.stop();
    await stub?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a prompt given after its process died fails at once with the exit reason, instead of waiting forever", async () => {
    stub = await startModelStub({ scenario: { steps: [], fallback: { content: [{ text: "hello" }] } } });
    dir = mkdtempSync(path.join(os.tmpdir(), "rozet-claude-driver-"));
    let reportExit!: (reason: string) => void;
    const exited = new Promise<string>((resolve) => (reportExit = resolve));
    driver = createClaudeDriver({
      agentId: "agent-1",
      sessionId: "session-1",
      cwd: dir,
      config: {},
      env: claudeCodeEnv(stub.url),
      dataDir: path.join(dir, "claude-config"),
      host: { emit: () => undefined, requestPermission: async () => ({ behavior: "deny", message: "not in this test" }), exited: reportExit, activity: () => undefined },
    });
    const { processId } = await driver.start();
    // Killed between the runtime taking a prompt from its queue and handing it over (a slow store widens that).
    process.kill(processId!, "SIGKILL");
    const reason = await exited;
    expect(reason).toMatch(/exited \(SIGKILL\)/);

    let timer: NodeJS.Timeout | undefined;
    const stillWaiting = new Promise<"still waiting">((resolve) => (timer = setTimeout(() => resolve("still waiting"), 10_000)));
    const result: TurnResult | "still waiting" = await Promise.race([driver.prompt("anyone there?"), stillWaiting]);
    clearTimeout(timer);
    expect(result).toEqual({ status: "failed", error: reason });
  }, 30_000);
});
