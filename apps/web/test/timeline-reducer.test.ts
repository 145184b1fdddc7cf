import { describe, expect, it } from "vitest";
import {
  applyEvents,
  applyOlderPage,
  createTimelineState,
  indexOfSeq,
  matchesFilter,
  newestSeq,
  type TimelineItem,
} from "../src/state/timeline-reducer.ts";

function ev(seq: number, fields: Partial<TimelineItem> = {}): TimelineItem {
  return { seq, agentId: "a1", type: "tool.started", toolName: "Bash", filePath: null, summary: `event ${seq}`, ...fields };
}
const seqs = (state: { events: readonly TimelineItem[] }) => state.events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("applyEvents: order and dedupe", () => {
  it("appends newer events in order", () => {
    const state = applyEvents(createTimelineState({ events: [ev(1), ev(2)] }), [ev(3), ev(4)]);
    expect(seqs(state)).toEqual([1, 2, 3, 4]);
  });

  it("drops events already held, keeping the object it had", () => {
    const first = ev(2);
    const state = applyEvents(createTimelineState({ events: [ev(1), first] }), [ev(2, { summary: "replayed" }), ev(3)]);
    expect(seqs(state)).toEqual([1, 2, 3]);
    expect(state.events[1]).toBe(first);
  });

  it("drops duplicates within one batch", () => {
    const state = applyEvents(createTimelineState(), [ev(5), ev(5), ev(6), ev(6), ev(6)]);
    expect(seqs(state)).toEqual([5, 6]);
  });

  it("sorts out-of-order and interleaved batches into ascending seq", () => {
    const state = applyEvents(createTimelineState({ events: [ev(2), ev(6), ev(9)] }), [ev(8), ev(1), ev(4), ev(10), ev(7)]);
    expect(seqs(state)).toEqual([1, 2, 4, 6, 7, 8, 9, 10]);
  });

  it("returns the same state when nothing is new", () => {
    const state = createTimelineState({ events: [ev(1), ev(2)] });
    expect(applyEvents(state, [ev(1), ev(2)])).toBe(state);
    expect(applyEvents(state, [])).toBe(state);
  });

  it("does not mutate the previous state", () => {
    const state = createTimelineState({ events: [ev(1), ev(3)] });
    const before = [...state.events];
    applyEvents(state, [ev(2), ev(4)]);
    expect(state.events).toEqual(before);
  });

  it("keeps the invariant over many random batches (replays, gaps, shuffles)", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let state = createTimelineState<TimelineItem>({ cap: 300 });
    const all = new Set<number>();
    for (let round = 0; round < 200; round++) {
      const batch = Array.from({ length: Math.floor(random() * 20) }, () => ev(Math.floor(random() * 1_000)));
      for (const e of batch) all.add(e.seq);
      state = applyEvents(state, batch);
      const list = seqs(state);
      for (let i = 1; i < list.length; i++) expect(list[i]!).toBeGreaterThan(list[i - 1]!);
      expect(list.length).toBeLessThanOrEqual(300);
    }
    // Whatever survived is exactly the newest of everything seen, up to the cap.
    const expected = [...all].sort((a, b) => a - b).slice(-300);
    expect(seqs(state)).toEqual(expected);
  });
});

describe("applyEvents: cap", () => {
  it("drops the oldest beyond the cap and notes that older events exist", () => {
    const state = applyEvents(createTimelineState({ cap: 5, events: range(1, 4).map((s) => ev(s)) }), range(5, 8).map((s) => ev(s)));
    expect(seqs(state)).toEqual([4, 5, 6, 7, 8]);
    expect(state.hasMoreBefore).toBe(true);
  });

  it("caps a single oversized batch to its newest events", () => {
    const state = applyEvents(createTimelineState({ cap: 3 }), range(1, 10).map((s) => ev(s)));
    expect(seqs(state)).toEqual([8, 9, 10]);
  });

  it("caps an initial page too", () => {
    const state = createTimelineState({ cap: 2, events: [ev(3), ev(1), ev(2)] });
    expect(seqs(state)).toEqual([2, 3]);
    expect(state.hasMoreBefore).toBe(true);
  });

  it("uses 5,000 by default", () => {
    const state = applyEvents(createTimelineState(), range(1, 5_100).map((s) => ev(s)));
    expect(state.events.length).toBe(5_000);
    expect(state.events[0]!.seq).toBe(101);
    expect(newestSeq(state)).toBe(5_100);
  });
});

describe("applyEvents: filter", () => {
  it("keeps only the filtered agent's live events", () => {
    const state = applyEvents(createTimelineState({ filter: { agentId: "a2" } }), [ev(1), ev(2, { agentId: "a2" }), ev(3, { agentId: null })]);
    expect(seqs(state)).toEqual([2]);
  });

  it("keeps only the filtered types", () => {
    const state = applyEvents(createTimelineState({ filter: { types: ["tool.finished", "turn.finished"] } }), [
      ev(1),
      ev(2, { type: "tool.finished" }),
      ev(3, { type: "turn.finished" }),
    ]);
    expect(seqs(state)).toEqual([2, 3]);
  });

  it("matches free text case-insensitively in summary, tool, file path and type", () => {
    const filter = { text: "  README " };
    const state = applyEvents(createTimelineState({ filter }), [
      ev(1, { summary: "Read: /repo/readme.md" }),
      ev(2, { summary: null, filePath: "/repo/README.md" }),
      ev(3, { summary: "ls -la" }),
      ev(4, { summary: null, toolName: "ReadMeTool" }),
    ]);
    expect(seqs(state)).toEqual([1, 2, 4]);
    expect(matchesFilter(ev(5, { summary: null, toolName: null, type: "readme.changed" }), filter)).toBe(true);
  });

  it("combines filters with AND; an empty filter passes everything", () => {
    const filter = { agentId: "a1", types: ["tool.started"], text: "bash" };
    expect(matchesFilter(ev(1), filter)).toBe(true);
    expect(matchesFilter(ev(1, { agentId: "a2" }), filter)).toBe(false);
    expect(matchesFilter(ev(1, { type: "tool.finished" }), filter)).toBe(false);
    expect(matchesFilter(ev(1, { toolName: "Edit", summary: "x" }), filter)).toBe(false);
    expect(matchesFilter(ev(1, { agentId: null, type: "x", toolName: null }), { types: [], text: "  " })).toBe(true);
  });

  it("returns the same state when every live event is filtered out", () => {
    const state = createTimelineState({ filter: { agentId: "a9" }, events: [ev(1, { agentId: "a9" })] });
    expect(applyEvents(state, [ev(2), ev(3)])).toBe(state);
  });
});

describe("applyOlderPage", () => {
  it("prepends an older page and takes hasMoreBefore from it", () => {
    const state = createTimelineState({ events: [ev(10), ev(11)], hasMoreBefore: true });
    const next = applyOlderPage(state, { events: [ev(7), ev(8), ev(9)], hasMoreBefore: false });
    expect(seqs(next)).toEqual([7, 8, 9, 10, 11]);
    expect(next.hasMoreBefore).toBe(false);
  });

  it("dedupes a page that overlaps what is held", () => {
    const state = createTimelineState({ events: [ev(5), ev(6)], hasMoreBefore: true });
    expect(seqs(applyOlderPage(state, { events: [ev(4), ev(5)], hasMoreBefore: true }))).toEqual([4, 5, 6]);
  });

  it("at the cap keeps the newest events and still reports older ones", () => {
    const state = createTimelineState({ cap: 3, events: [ev(5), ev(6), ev(7)], hasMoreBefore: true });
    const next = applyOlderPage(state, { events: [ev(3), ev(4)], hasMoreBefore: false });
    expect(seqs(next)).toEqual([5, 6, 7]);
    expect(next.hasMoreBefore).toBe(true);
  });
});

describe("indexOfSeq", () => {
  it("finds by binary search and reports -1 when absent", () => {
    const events = [2, 4, 8, 16, 32].map((s) => ev(s));
    expect(indexOfSeq(events, 2)).toBe(0);
    expect(indexOfSeq(events, 16)).toBe(3);
    expect(indexOfSeq(events, 32)).toBe(4);
    expect(indexOfSeq(events, 5)).toBe(-1);
    expect(indexOfSeq([], 1)).toBe(-1);
  });
});
