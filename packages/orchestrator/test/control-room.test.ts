import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "@rozet/vocabulary";
import { createControlRoom, recordEvent, type ControlRoom } from "../src/index.ts";

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

  async function room(logger: Logger): Promise<ControlRoom> {
    const home = mkdtempSync(path.join(os.tmpdir(), "rozet-room-"));
    homes.push(home);
    return createControlRoom({ databaseFile: path.join(home, "rozet.db"), workspacesRoot: path.join(home, "ws"), dataDir: home, drivers: {}, logger });
  }

  it("a stats tick after the store closed under it (a crash) is logged, not thrown into the event loop", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { log, lines } = recordingLogger();
    const first = await room(log);
    const { sessionId } = await recordEvent(first, { sessionId: "s-tick", type: "agent.notice", summary: "note" });
    // What issue 14's restart test does: close the database directly, as a crash would, timers still running.
    await first.database.close();
    expect(() => vi.advanceTimersByTime(1_000)).not.toThrow();
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
});
