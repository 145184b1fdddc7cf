import { afterEach, describe, expect, it, vi } from "vitest";
import { StatsTicker } from "../src/stats-ticker.ts";
import { recordingLogger } from "./unit-harness.ts";

describe("StatsTicker (unit)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A ticker over an in-memory count per session; `failFor` makes that session's read throw (a closed store). */
  function tickerFor(opts: { intervalMs?: number; failFor?: string } = {}) {
    const counts = new Map<string, number>();
    const published: [string, number][] = [];
    const { log, lines } = recordingLogger();
    const ticker = new StatsTicker<number>({
      read: async (sessionId) => {
        if (sessionId === opts.failFor) throw new Error("The database connection is not open");
        return counts.get(sessionId) ?? 0;
      },
      publish: (sessionId, stats) => void published.push([sessionId, stats]),
      log,
      ...(opts.intervalMs ? { intervalMs: opts.intervalMs } : {}),
    });
    const event = (sessionId: string) => {
      counts.set(sessionId, (counts.get(sessionId) ?? 0) + 1);
      ticker.markDirty(sessionId);
    };
    return { ticker, event, published, lines };
  }

  it("publishes each changed session once per tick with its totals at that moment, however many events arrived", async () => {
    const { ticker, event, published } = tickerFor();
    for (let i = 0; i < 50; i++) event("a");
    event("b");
    await ticker.tick();
    expect(published).toEqual([
      ["a", 50],
      ["b", 1],
    ]);
    await ticker.tick();
    expect(published).toHaveLength(2);
    event("b");
    await ticker.tick();
    expect(published.at(-1)).toEqual(["b", 2]);
  });

  it("a read that throws is logged with the session and the tick goes on for the others", async () => {
    const { ticker, event, published, lines } = tickerFor({ failFor: "closed" });
    event("closed");
    event("open");
    await expect(ticker.tick()).resolves.toBeUndefined();
    expect(published).toEqual([["open", 1]]);
    expect(lines).toEqual([expect.objectContaining({ level: "warn", message: "live totals not published", context: expect.objectContaining({ sessionId: "closed" }) })]);
  });

  it("start ticks on its interval (once, however often started); stop clears the timer and what was pending", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { ticker, event, published } = tickerFor({ intervalMs: 200 });
    ticker.start();
    ticker.start();
    expect(vi.getTimerCount()).toBe(1);
    event("a");
    await vi.advanceTimersByTimeAsync(199);
    expect(published).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(published).toEqual([["a", 1]]);
    event("a");
    ticker.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    await ticker.tick();
    expect(published).toEqual([["a", 1]]);
  });
});
