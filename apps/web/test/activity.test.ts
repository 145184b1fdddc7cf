import { describe, expect, it } from "vitest";
import { applyActivity, currentTool, emptyActivity, formatAge, type ActivityEvent } from "../src/state/activity.ts";

let seq = 0;
const ev = (type: string, fields: Partial<ActivityEvent> = {}): ActivityEvent => ({
  seq: ++seq,
  agentId: "a1",
  type,
  toolName: null,
  status: null,
  summary: null,
  receivedAt: 1_000 + seq,
  costUsd: null,
  inputTokens: null,
  outputTokens: null,
  ...fields,
});

describe("applyActivity", () => {
  it("shows the last started tool without its finish as the current activity", () => {
    const state = applyActivity(emptyActivity, [
      ev("tool.started", { toolName: "Bash", summary: "Bash: npm test" }),
      ev("tool.started", { toolName: "Read", summary: "Read: a.ts" }),
      ev("tool.finished", { toolName: "Read" }),
    ]);
    expect(currentTool(state.agents.a1)?.summary).toBe("Bash: npm test");
    const done = applyActivity(state, [ev("tool.finished", { toolName: "Bash" })]);
    expect(currentTool(done.agents.a1)).toBeNull();
  });

  it("closes open tools when the turn ends or the agent goes idle", () => {
    const open = applyActivity(emptyActivity, [ev("tool.started", { toolName: "Write" })]);
    expect(currentTool(applyActivity(open, [ev("agent.interrupted")]).agents.a1)).toBeNull();
    expect(currentTool(applyActivity(open, [ev("turn.finished")]).agents.a1)).toBeNull();
    const idle = applyActivity(open, [ev("agent.status", { status: "idle" })]);
    expect(currentTool(idle.agents.a1)).toBeNull();
    expect(idle.agents.a1?.status).toBe("idle");
  });

  it("adds up cost and tokens and tracks the last event time", () => {
    const state = applyActivity(emptyActivity, [
      ev("usage", { costUsd: 0.01, inputTokens: 100, outputTokens: 10, receivedAt: 5_000 }),
      ev("usage", { costUsd: 0.02, inputTokens: 50, outputTokens: 5, receivedAt: 6_000 }),
    ]);
    expect(state.agents.a1).toMatchObject({ inputTokens: 150, outputTokens: 15, lastEventAt: 6_000 });
    expect(state.agents.a1!.costUsd).toBeCloseTo(0.03, 10);
  });

  it("skips events already applied (page and subscription overlap) and returns the same state", () => {
    const first = ev("tool.started", { toolName: "Bash" });
    const state = applyActivity(emptyActivity, [first]);
    expect(applyActivity(state, [first])).toBe(state);
    expect(state.agents.a1?.open).toHaveLength(1);
  });

  it("ignores events without an agent but moves the cursor", () => {
    const state = applyActivity(emptyActivity, [ev("task.created", { agentId: null })]);
    expect(state.agents).toEqual({});
    expect(state.lastSeq).toBe(seq);
  });

  it("formats ages", () => {
    expect(formatAge(3_400)).toBe("3 s");
    expect(formatAge(4 * 60_000)).toBe("4 min");
    expect(formatAge(3 * 3_600_000)).toBe("3 h");
    expect(formatAge(-5)).toBe("0 s");
  });
});
