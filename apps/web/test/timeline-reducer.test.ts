import { describe, expect, it } from "vitest";
import { indexOfSeq, matchesFilter, type TimelineItem } from "../src/state/timeline-reducer.ts";

function ev(seq: number, fields: Partial<TimelineItem> = {}): TimelineItem {
  return { seq, agentId: "a1", type: "tool.started", toolName: "Bash", filePath: null, summary: `event ${seq}`, ...fields };
}
const passing = (events: TimelineItem[], filter: Parameters<typeof matchesFilter>[1]) => events.filter((e) => matchesFilter(e, filter)).map((e) => e.seq);

describe("the timeline filter (live events; the server applies the same rules)", () => {
  it("keeps only the filtered agent's events", () => {
    expect(passing([ev(1), ev(2, { agentId: "a2" }), ev(3, { agentId: null })], { agentId: "a2" })).toEqual([2]);
  });

  it("keeps only the filtered types", () => {
    expect(passing([ev(1), ev(2, { type: "tool.finished" }), ev(3, { type: "turn.finished" })], { types: ["tool.finished", "turn.finished"] })).toEqual([2, 3]);
  });

  it("matches free text case-insensitively in summary, tool, file path and type", () => {
    const filter = { text: "  README " };
    const events = [
      ev(1, { summary: "Read: /repo/readme.md" }),
      ev(2, { summary: null, filePath: "/repo/README.md" }),
      ev(3, { summary: "ls -la" }),
      ev(4, { summary: null, toolName: "ReadMeTool" }),
      ev(5, { summary: null, toolName: null, type: "readme.changed" }),
    ];
    expect(passing(events, filter)).toEqual([1, 2, 4, 5]);
  });

  it("combines filters with AND; an empty filter passes everything", () => {
    const filter = { agentId: "a1", types: ["tool.started"], text: "bash" };
    expect(matchesFilter(ev(1), filter)).toBe(true);
    expect(matchesFilter(ev(1, { agentId: "a2" }), filter)).toBe(false);
    expect(matchesFilter(ev(1, { type: "tool.finished" }), filter)).toBe(false);
    expect(matchesFilter(ev(1, { toolName: "Edit", summary: "x" }), filter)).toBe(false);
    expect(matchesFilter(ev(1, { agentId: null, type: "x", toolName: null }), { types: [], text: "  " })).toBe(true);
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
