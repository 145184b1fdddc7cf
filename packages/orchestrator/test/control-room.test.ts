import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "@rozet/vocabulary";
import { builtinDrivers, createAgent, createControlRoom, createSession, recordEvent, sendAgentCommand, type ControlRoom, type ControlRoomOptions } from "../src/index.ts";

function recordingLogger() {
  const lines: { level: string; context: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (context: Record<string, unknown>, message: string) => void lines.push({ level, context, message });
  const log: Logger = { error: at("error"), warn: at("warn"), info: at("info") };
  return { log, lines };
}

describe("control room background work", () => {
  const homes: string[] = [];
  afterEach(() => {
    vi.useRealTimers();
    for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  });

  async function room(logger: Logger, drivers: ControlRoomOptions["drivers"] = {}): Promise<ControlRoom> {
    const home = mkdtempSync(path.join(os.tmpdir(), "rozet-room-"));
    homes.push(home);
    return createControlRoom({ database: path.join(home, "rozet.db"), workspacesRoot: path.join(home, "ws"), dataDir: home, drivers, logger });
  }

  it("a stats tick after the store closed under it (a crash) is logged, not thrown into the event loop", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { log, lines } = recordingLogger();
    const first = await room(log);
    const { sessionId } = await recordEvent(first, { sessionId: "s-tick", type: "agent.notice", summary: "note" });
    // What issue 14's restart test does: close the database directly, as a crash would, timers still running.
    await first.database.close();
    expect(() => vi.advanceTimersByTime(1_000)).not.toThrow();
    // Store reads are asynchronous: the tick's failure is logged a few turns of the event loop later.
    for (let turn = 0; turn < 1_000 && !lines.some((line) => line.message === "live totals not published"); turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(lines).toContainEqual(expect.objectContaining({ level: "warn", message: "live totals not published", context: expect.objectContaining({ sessionId }) }));
    await first.close().catch(() => undefined);
  });

  it("close() stops the ticker before the store closes: no tick reads a closed store", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { log, lines } = recordingLogger();
    const first = await room(log);
    await recordEvent(first, { sessionId: "s-close", type: "agent.notice", summary: "note" });
    await first.close();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(lines.filter((l) => l.level !== "info")).toEqual([]);
  });

  it("an agent's turn whose events cannot be stored (OVERLOADED: the writer refuses) is logged and fails the agent with the reason; nothing reaches unhandledRejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const { log, lines } = recordingLogger();
    const r = await room(log, { shell: builtinDrivers.shell! });
    try {
      const session = await createSession(r, { name: "overloaded" });
      const agent = await createAgent(r, { sessionId: session.id, name: "sh", driver: "shell" });
      await waitUntil(() => r.agents.find(agent.id)?.status === "idle", "agent idle");
      // The write path refuses everything from now on (OVERLOADED), as a full queue or a shutdown does.
      await r.writer.close();
      await expect(recordEvent(r, { sessionId: session.id, type: "agent.notice" })).rejects.toMatchObject({ code: "OVERLOADED" });
      await sendAgentCommand(r, { agentId: agent.id, text: "echo hi" });
      await waitUntil(() => r.agents.find(agent.id)?.status === "failed", "agent failed");
      const stored = await r.prisma.agent.findUniqueOrThrow({ where: { id: agent.id } });
      expect(stored.status).toBe("failed");
      expect(stored.lastError).toMatch(/OVERLOADED|shutting down/);
      const errors = lines.filter((l) => l.level === "error");
      expect(errors.some((l) => /agent event not stored|turn/.test(l.message) && String((l.context.err as Error)?.message).includes("shutting down"))).toBe(true);
      // Give a stray rejection the turns it needs to surface before asserting there was none.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await r.close().catch(() => undefined);
    }
  }, 30_000);
});

async function waitUntil(check: () => boolean, label: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
