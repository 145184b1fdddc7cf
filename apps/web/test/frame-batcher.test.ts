import { describe, expect, it } from "vitest";
import { createFrameBatcher, type Scheduler } from "../src/state/frame-batcher.ts";

function manualScheduler() {
  const queue: (() => void)[] = [];
  const schedule: Scheduler = (run) => {
    queue.push(run);
    return () => {
      const i = queue.indexOf(run);
      if (i >= 0) queue.splice(i, 1);
    };
  };
  const frame = () => queue.splice(0).forEach((run) => run());
  return { schedule, frame, get scheduled() {
    return queue.length;
  } };
}

describe("createFrameBatcher", () => {
  it("applies a burst once, on the next frame, in arrival order", () => {
    const frames = manualScheduler();
    const applied: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => applied.push(items), { schedule: frames.schedule });
    for (let i = 1; i <= 5; i++) batcher.push(i);
    expect(applied).toEqual([]);
    expect(frames.scheduled).toBe(1);
    frames.frame();
    expect(applied).toEqual([[1, 2, 3, 4, 5]]);
    batcher.push(6);
    frames.frame();
    expect(applied).toEqual([[1, 2, 3, 4, 5], [6]]);
  });

  it("flushes early when the buffer reaches its bound", () => {
    const frames = manualScheduler();
    const applied: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => applied.push(items), { schedule: frames.schedule, maxBuffered: 3 });
    [1, 2, 3, 4].forEach((i) => batcher.push(i));
    expect(applied).toEqual([[1, 2, 3]]);
    expect(batcher.pending).toBe(1);
    frames.frame();
    expect(applied).toEqual([[1, 2, 3], [4]]);
  });

  it("clear drops what is buffered and cancels the frame", () => {
    const frames = manualScheduler();
    const applied: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => applied.push(items), { schedule: frames.schedule });
    batcher.push(1);
    batcher.clear();
    expect(frames.scheduled).toBe(0);
    frames.frame();
    expect(applied).toEqual([]);
  });
});

describe("createFrameBatcher with minIntervalMs", () => {
  it("flushes on the first frame, then not again until the interval has passed; nothing is lost", () => {
    const frames = manualScheduler();
    let clock = 1_000;
    const applied: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => applied.push(items), { schedule: frames.schedule, minIntervalMs: 100, now: () => clock });
    batcher.push(1);
    frames.frame();
    expect(applied).toEqual([[1]]);
    // Frames every 16 ms while events keep coming: held until 100 ms after the last flush.
    for (let i = 2; i <= 7; i++) {
      batcher.push(i);
      clock += 16;
      frames.frame();
    }
    expect(applied).toEqual([[1]]);
    expect(frames.scheduled).toBe(1);
    clock += 4; // 100 ms since the first flush
    frames.frame();
    expect(applied).toEqual([[1], [2, 3, 4, 5, 6, 7]]);
    expect(frames.scheduled).toBe(0);
  });

  it("an explicit flush and the buffer bound do not wait for the interval", () => {
    const frames = manualScheduler();
    const applied: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => applied.push(items), { schedule: frames.schedule, minIntervalMs: 1_000, maxBuffered: 2, now: () => 0 });
    batcher.push(1);
    batcher.flush();
    batcher.push(2);
    batcher.push(3);
    expect(applied).toEqual([[1], [2, 3]]);
  });
});
