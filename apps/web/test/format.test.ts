import { describe, expect, it } from "vitest";
import { agentHue, rosterHues } from "../src/lib/agent-colour.ts";
import { formatClock, formatCost, parseTypeList } from "../src/lib/format.ts";

describe("format", () => {
  it("parses a comma-separated type list, trimming, deduping and ignoring blanks", () => {
    expect(parseTypeList(" tool.started, ,tool.finished,tool.started ")).toEqual(["tool.started", "tool.finished"]);
    expect(parseTypeList("  ")).toBeUndefined();
    expect(parseTypeList(undefined)).toBeUndefined();
  });

  it("formats cost with more precision below a dollar", () => {
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(0.01234)).toBe("$0.0123");
    expect(formatCost(12.5)).toBe("$12.50");
    expect(formatCost(null)).toBe("—");
  });

  it("formats clock time with milliseconds", () => {
    expect(formatClock(new Date(2025, 0, 1, 9, 5, 7, 42).getTime())).toBe("09:05:07.042");
  });

  it("gives each agent a stable hue in [0, 360)", () => {
    expect(agentHue("agent-1")).toBe(agentHue("agent-1"));
    expect(agentHue("agent-1")).not.toBe(agentHue("agent-2"));
    for (const id of ["a", "b", "claude-12345678", "x".repeat(200)]) {
      expect(agentHue(id)).toBeGreaterThanOrEqual(0);
      expect(agentHue(id)).toBeLessThan(360);
    }
  });

  it("gives agents of one roster distinct, well-separated hues", () => {
    const hues = [...rosterHues(Array.from({ length: 12 }, (_, i) => `agent-${i}`)).values()];
    expect(new Set(hues).size).toBe(12);
    const [first, second] = hues;
    const gap = Math.abs(first! - second!) % 360;
    expect(Math.min(gap, 360 - gap)).toBeGreaterThanOrEqual(60);
  });
});
