import { describe, expect, it } from "vitest";
import { LoopTurns } from "../src/live/loop-turns.ts";

/** A busy loop of `steps` steps of about `stepMs` each, pausing through `turns` between steps. */
async function busyLoop(turns: LoopTurns, name: string, steps: number, stepMs: number, log: string[]) {
  for (let i = 0; i < steps; i++) {
    await turns.pause();
    const until = performance.now() + stepMs;
    while (performance.now() < until);
    log.push(name);
  }
}

describe("LoopTurns", () => {
  it("lets timers run between turns and hands turns to waiting loops in order", async () => {
    const turns = new LoopTurns(3);
    const log: string[] = [];
    const timerDelays: number[] = [];
    let timerRunning = true;
    const tick = () => {
      const scheduled = performance.now();
      setTimeout(() => {
        timerDelays.push(performance.now() - scheduled);
        if (timerRunning) tick();
      }, 0);
    };
    tick();
    await Promise.all([busyLoop(turns, "a", 40, 1, log), busyLoop(turns, "b", 40, 1, log), busyLoop(turns, "c", 40, 1, log)]);
    timerRunning = false;

    expect(log.filter((n) => n === "a")).toHaveLength(40);
    // Fair: every loop gets turns throughout, none finishes before another has done a quarter of its work.
    const firstFinish = Math.min(...["a", "b", "c"].map((n) => log.lastIndexOf(n)));
    for (const n of ["a", "b", "c"]) expect(log.slice(0, firstFinish).filter((x) => x === n).length).toBeGreaterThan(10);
    // A timer waits about one turn (3 ms budget + one step), never the whole 120 ms of work.
    expect(timerDelays.length).toBeGreaterThan(10);
    expect(Math.max(...timerDelays)).toBeLessThan(60);
  });

  it("costs nothing while the turn has time left", async () => {
    const turns = new LoopTurns(1_000);
    // With no turn yet the caller waits for one; inside it, pauses are free (no promise, no microtask).
    await turns.pause();
    expect(turns.pause()).toBeUndefined();
  });
});
