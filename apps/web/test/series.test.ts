import { describe, expect, it } from "vitest";
import { addToSeries, createSeries, seriesData, type SeriesEvent } from "../src/state/series.ts";

let seq = 0;
const ev = (receivedAt: number, costUsd: number | null = null, agentId: string | null = "a1"): SeriesEvent => ({ seq: ++seq, receivedAt, agentId, costUsd });

describe("series", () => {
  it("counts events per bucket and accumulates cost per agent", () => {
    let s = createSeries({ bucketMs: 1_000 });
    s = addToSeries(s, [ev(10_100), ev(10_900, 0.5), ev(12_000, 0.25, "a2")]);
    const data = seriesData(s, ["a1", "a2"]);
    expect(data.x).toEqual([10, 11, 12]);
    expect(data.counts).toEqual([2, 0, 1]);
    expect(data.cost).toEqual([0.5, 0.5, 0.75]);
    expect(data.costByAgent).toEqual([[0.5, 0.5, 0.5], [0, 0, 0.25]]);
  });

  it("skips events it has seen and returns the same state", () => {
    const first = ev(1_000);
    const s = addToSeries(createSeries(), [first]);
    expect(addToSeries(s, [first])).toBe(s);
  });

  it("stays within maxBuckets by widening buckets, keeping totals", () => {
    let s = createSeries({ bucketMs: 1_000, maxBuckets: 10 });
    const events = Array.from({ length: 100 }, (_, i) => ev(i * 1_000, 0.01));
    for (let i = 0; i < events.length; i += 7) s = addToSeries(s, events.slice(i, i + 7));
    expect(s.counts.length).toBeLessThanOrEqual(10);
    expect(s.counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(seriesData(s, []).cost.at(-1)).toBeCloseTo(1, 10);
    expect(s.bucketMs).toBe(16_000);
  });

  it("takes an event older than the first bucket", () => {
    let s = addToSeries(createSeries({ bucketMs: 1_000 }), [ev(5_000)]);
    s = addToSeries(s, [ev(3_200)]);
    expect(seriesData(s, []).x).toEqual([3, 4, 5]);
    expect(s.counts).toEqual([1, 0, 1]);
  });
});
