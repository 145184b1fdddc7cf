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
