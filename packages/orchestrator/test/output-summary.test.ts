import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { builtinDrivers, createAgent, createControlRoom, createSession, sendAgentCommand } from "../src/index.ts";
import { outputSummary } from "../src/normalize/output-summary.ts";

describe("outputSummary", () => {
  it("names the stream and the first line as the terminal shows it, and counts the rest", () => {
    expect(outputSummary("stdout", "\u001b[32mok\u001b[0m 3 passed\nsecond\nthird\n")).toBe("stdout: ok 3 passed (+2 lines)");
    expect(outputSummary("stderr", "\n\n  warning: x\n")).toBe("stderr: warning: x");
    expect(outputSummary("stdout", "one\ntwo")).toBe("stdout: one (+1 line)");
  });

  it("keeps what a progress bar drew last, says when a chunk is blank, and stays one bounded line", () => {
    expect(outputSummary("stdout", "10%\r50%\r100% done\n")).toBe("stdout: 100% done");
    expect(outputSummary("stdout", "\n \n")).toBe("stdout: (blank)");
    const long = outputSummary("stdout", `${"x".repeat(5_000)}\n${"y\n".repeat(100_000)}`);
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long).toMatch(/^stdout: x+… \(\+\d+\+ lines\)$/);
  });
});

describe("shell output stored with a summary", () => {
  const home = mkdtempSync(path.join(os.tmpdir(), "rozet-output-summary-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("a real shell command's shell.output rows carry a one-line summary without escape codes", async () => {
    const room = await createControlRoom({
      database: path.join(home, "rozet.db"),
      workspacesRoot: path.join(home, "ws"),
      dataDir: home,
      drivers: { shell: builtinDrivers.shell! },
    });
    try {
      const session = await createSession(room, { name: "output" });
      const agent = await createAgent(room, { sessionId: session.id, name: "sh", driver: "shell" });
      await waitUntil(() => room.agents.find(agent.id)?.status === "idle", "agent idle");
      const command = await sendAgentCommand(room, { agentId: agent.id, text: "printf '\\033[32mok\\033[0m built\\nline two\\n'; echo oops >&2" });
      await waitUntilAsync(async () => (await room.prisma.command.findUniqueOrThrow({ where: { id: command.id } })).status === "completed", "command completed");
      const page = await room.events.page({ sessionId: session.id, limit: 100, types: ["shell.output"] });
      const summaries = page.events.map((event) => [event.commandId, event.summary]);
      expect(summaries).toContainEqual([command.id, "stdout: ok built (+1 line)"]);
      expect(summaries).toContainEqual([command.id, "stderr: oops"]);
    } finally {
      await room.close();
    }
  }, 30_000);
});

async function waitUntil(check: () => boolean, label: string): Promise<void> {
  await waitUntilAsync(async () => check(), label);
}

async function waitUntilAsync(check: () => Promise<boolean>, label: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
