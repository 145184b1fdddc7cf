/**
 * A page's frames as the operator sees them: the gaps between animation frames (16.7 ms at 60 Hz; a long gap is
 * a stall) and the long tasks, sampled inside the page. Shared by bench:web and bench:load.
 */
import os from "node:os";
import type { Page } from "@playwright/test";
import { distribution } from "./stats.ts";

interface Sampling {
  __frames: number[];
  __longTasks: number[];
  __sampling?: boolean;
}

/** Starts (or restarts from nothing) sampling frame gaps and long tasks in the page. */
export async function startFrameSampling(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Sampling;
    w.__frames = [];
    w.__longTasks = [];
    if (w.__sampling) return;
    w.__sampling = true;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
    }).observe({ type: "longtask" });
    let last = performance.now();
    const loop = (now: number) => {
      w.__frames.push(now - last);
      last = now;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
}

export interface FrameFigures {
  frames: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  over50ms: number;
  longTasks: number;
  longestTaskMs: number;
}

/** What was sampled since `startFrameSampling` (the first gap, which began before it, is left out). */
export async function readFrames(page: Page): Promise<FrameFigures> {
  const { frames, longTasks } = await page.evaluate(() => {
    const w = window as unknown as Sampling;
    return { frames: w.__frames.slice(1), longTasks: w.__longTasks.slice() };
  });
  const d = distribution(frames);
  const tenth = (value: number) => Math.round(value * 10) / 10;
  return {
    frames: d.count,
    p50: tenth(d.p50),
    p95: tenth(d.p95),
    p99: tenth(d.p99),
    max: Math.round(d.max),
    over50ms: frames.filter((f) => f > 50).length,
    longTasks: longTasks.length,
    longestTaskMs: Math.round(Math.max(0, ...longTasks)),
  };
}

/** The machine's 1, 5 and 15 minute load averages: frame figures mean little without them on a shared box. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(" / ");
}
