import { describe, expect, it } from "vitest";
import { createGraceLatch, type Timers } from "../src/state/grace-latch.ts";

/** Timers run by hand: `advance(ms)` fires what is due. */
function manualTimers() {
  let now = 0;
  let nextId = 0;
  const due = new Map<number, { at: number; run: () => void }>();
  const timers: Timers = {
    set(run, ms) {
      const id = nextId++;
      due.set(id, { at: now + ms, run });
      return id;
    },
    clear(handle) {
      due.delete(handle as number);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...due]) {
      if (timer.at <= now) {
        due.delete(id);
        timer.run();
      }
    }
  };
  return { timers, advance, pending: () => due.size };
}

/** A latch with a 1.5 s grace on hand-run timers, and what it reported. */
function latched() {
  const clock = manualTimers();
  const seen: boolean[] = [];
  const latch = createGraceLatch(1_500, (v) => seen.push(v), clock.timers);
  return { clock, seen, latch };
}

describe("createGraceLatch", () => {
  it("reports a condition only once it has held for the grace period", () => {
    const { clock, seen, latch } = latched();
    latch.update(true);
    clock.advance(1_499);
    expect(seen).toEqual([]);
    latch.update(true); // still down: the grace is not restarted
    clock.advance(1);
    expect(seen).toEqual([true]);
    expect(latch.reported()).toBe(true);
  });

  it("a short blip is never reported", () => {
    const { clock, seen, latch } = latched();
    latch.update(true);
    clock.advance(800);
    latch.update(false);
    clock.advance(5_000);
    expect(seen).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it("clears at once when the condition ends, and reports again after a new grace", () => {
    const { clock, seen, latch } = latched();
    latch.update(true);
    clock.advance(1_500);
    latch.update(false);
    expect(seen).toEqual([true, false]);
    latch.update(true);
    clock.advance(1_000);
    expect(seen).toEqual([true, false]);
    clock.advance(500);
    expect(seen).toEqual([true, false, true]);
  });

  it("dispose cancels a pending report", () => {
    const { clock, seen, latch } = latched();
    latch.update(true);
    latch.dispose();
    clock.advance(2_000);
    expect(seen).toEqual([]);
  });
});
