import { describe, expect, it } from "vitest";
import { applyActivity, emptyActivity, type ActivityEvent } from "../src/state/activity.ts";
import { CHECKPOINT_EVERY, activityAt, advanceClock, appendReplayEvents, createReplayIndex, positionAt, timeAt } from "../src/state/replay.ts";

function history(n: number): ActivityEvent[] {
  const types = ["tool.started", "tool.finished", "usage", "agent.status"];
  return Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    agentId: i % 3 === 0 ? "a1" : "a2",
    type: types[i % types.length]!,
    toolName: "Bash",
    status: i % 8 === 3 ? "busy" : i % 8 === 7 ? "idle" : null,
    summary: `event ${i + 1}`,
    // Mostly ascending, with a little clock skew.
    receivedAt: 1_000_000 + i * 10 - (i % 5 === 4 ? 15 : 0),
    costUsd: i % 4 === 2 ? 0.001 : null,
    inputTokens: i % 4 === 2 ? 10 : null,
    outputTokens: null,
  }));
}

describe("replay", () => {
  const events = history(CHECKPOINT_EVERY * 2 + 345);
  let index = createReplayIndex<ActivityEvent>();
  for (let i = 0; i < events.length; i += 500) index = appendReplayEvents(index, events.slice(i, i + 500));

  it("folds the roster at any position the same as a fold from the start", () => {
    for (const position of [0, 1, 999, 1_000, 1_001, 2_345, events.length]) {
      expect(activityAt(index, position)).toEqual(applyActivity(emptyActivity, events.slice(0, position)));
    }
  });

  it("ignores a page it already holds", () => {
    expect(appendReplayEvents(index, events.slice(0, 10))).toBe(index);
  });

  it("maps times to positions on a clock that never goes back", () => {
    for (let i = 1; i < index.times.length; i++) expect(index.times[i]!).toBeGreaterThanOrEqual(index.times[i - 1]!);
    expect(positionAt(index, 0)).toBe(0);
    expect(positionAt(index, Number.POSITIVE_INFINITY)).toBe(events.length);
    for (const position of [1, 500, 2_000]) expect(positionAt(index, timeAt(index, position))).toBeGreaterThanOrEqual(position);
    expect(positionAt(index, timeAt(index, 0))).toBe(0);
  });

  it("advances the clock by speed and skips long quiet stretches", () => {
    expect(advanceClock(1_000, 16, 10, null, null)).toBe(1_160);
    expect(advanceClock(1_000, 16, 100, 1_000_000, 2_000)).toBe(1_000_000 - 2_000 + 1_600);
    expect(advanceClock(1_000, 16, 1, 1_500, 2_000)).toBe(1_016);
  });
});
