import { describe, expect, it } from "vitest";
import { eventLogs } from "../src/lib/event-logs.ts";

describe("eventLogs", () => {
  it("reads each catalogue type's own output fields", () => {
    expect(eventLogs("shell.output", { stream: "stderr", text: "boom\n" })).toEqual([{ label: "stderr", text: "boom\n" }]);
    expect(eventLogs("tool.finished", { toolUseId: "t1", output: "ok", truncated: false })).toEqual([{ label: "Output", text: "ok" }]);
    expect(eventLogs("hook.failed", { hookName: "PreToolUse:Write", exitCode: 2, stdout: "", stderr: "nope" })).toEqual([{ label: "stderr", text: "nope" }]);
    expect(eventLogs("agent.failed", { kind: "max_turns", result: "gave up" })).toEqual([{ label: "Result", text: "gave up" }]);
  });

  it("a type outside the catalogue, or a payload that does not match its type, still shows its text fields", () => {
    expect(eventLogs("ci.build_finished", { output: "42 passed", stderr: "warn" })).toEqual([
      { label: "Output", text: "42 passed" },
      { label: "stderr", text: "warn" },
    ]);
    // shell.output without a stream is not a catalogue payload: shown, not dropped, not thrown.
    expect(eventLogs("shell.output", { text: 42, output: "x" })).toEqual([{ label: "Output", text: "x" }]);
    expect(eventLogs("tool.finished", null)).toEqual([]);
  });
});
