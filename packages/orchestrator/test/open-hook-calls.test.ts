import { describe, expect, it } from "vitest";
import { OpenHookCalls, type HookStep } from "../src/normalize/open-hook-calls.ts";

/** Feeds hook steps in order (seq = position) and returns every closing the tracker asked for. */
async function run(steps: (Omit<HookStep, "seq"> & { toolUseId?: string })[]) {
  const ids = new Map(steps.map((step, i) => [i + 1, step.toolUseId]));
  const asked: number[] = [];
  const open = new OpenHookCalls((seq) => {
    asked.push(seq);
    return Promise.resolve(ids.get(seq));
  });
  const closings = [];
  for (const [i, { toolUseId: _id, ...step }] of steps.entries()) closings.push(...(await open.observe({ seq: i + 1, ...step })));
  return { closings, open, asked };
}

describe("open hook calls", () => {
  it("a tool that ran closes itself and marks its permission request allowed", async () => {
    const { closings, open, asked } = await run([
      { hookEventType: "PreToolUse", toolName: "Edit", toolUseId: "toolu_1" },
      { hookEventType: "PermissionRequest", toolName: "Edit" },
      { hookEventType: "PostToolUse", toolName: "Edit", toolUseId: "toolu_1" },
      { hookEventType: "Stop", toolName: null },
    ]);
    expect(closings).toEqual([{ kind: "permission", requestSeq: 2, toolName: "Edit", status: "allowed", reason: "the tool ran", closedBy: "PostToolUse" }]);
    expect(open.openCount).toBe(0);
    expect(asked).toEqual([]); // one open call of the tool: no payload read
  });

  it("parallel calls: only the one the batch lists without a result of its own is closed, as not run", async () => {
    const { closings } = await run([
      { hookEventType: "PreToolUse", toolName: "Bash", toolUseId: "a" },
      { hookEventType: "PreToolUse", toolName: "Bash", toolUseId: "b" },
      { hookEventType: "PostToolUse", toolName: "Bash", toolUseId: "b" },
      { hookEventType: "PostToolBatch", toolName: null, batch: [{ toolUseId: "a", response: "blocked by hook" }, { toolUseId: "b", response: "ok" }] },
    ]);
    expect(closings).toEqual([expect.objectContaining({ kind: "tool", startedSeq: 1, toolUseId: "a", status: "cancelled", reason: "did not run: blocked by hook" })]);
  });

  it("a new prompt does not end the turn (REST producers send prompts and tools freely); memory is bounded", async () => {
    const steps = Array.from({ length: 500 }, (_, i) => ({ hookEventType: i % 5 === 0 ? "UserPromptSubmit" : "PreToolUse", toolName: "Bash", toolUseId: `t${i}` }));
    const { closings, open } = await run(steps);
    expect(closings).toEqual([]);
    expect(open.openCount).toBe(100);
  });

  it("the end of a turn closes what is still open: tools cancelled, unanswered requests cancelled", async () => {
    const { closings, open } = await run([
      { hookEventType: "PreToolUse", toolName: "Write", toolUseId: "w" },
      { hookEventType: "PermissionRequest", toolName: "Write" },
      { hookEventType: "PermissionRequest", toolName: "Bash" },
      { hookEventType: "StopFailure", toolName: null },
    ]);
    expect(closings).toEqual([
      expect.objectContaining({ kind: "tool", toolUseId: "w", status: "cancelled", reason: "the turn ended before the tool finished" }),
      expect.objectContaining({ kind: "permission", requestSeq: 2, status: "denied" }),
      expect.objectContaining({ kind: "permission", requestSeq: 3, status: "cancelled", reason: "the turn ended unanswered" }),
    ]);
    expect(open.openCount).toBe(0);
  });

  it("PermissionDenied answers itself and closes the tool it denied", async () => {
    const { closings } = await run([
      { hookEventType: "PreToolUse", toolName: "Bash", toolUseId: "x" },
      { hookEventType: "PermissionRequest", toolName: "Bash" },
      { hookEventType: "PermissionDenied", toolName: "Bash" },
      { hookEventType: "SessionEnd", toolName: null },
    ]);
    expect(closings).toEqual([expect.objectContaining({ kind: "tool", toolUseId: "x", reason: "permission denied", closedBy: "PermissionDenied" })]);
  });
});
