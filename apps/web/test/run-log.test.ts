import { describe, expect, it } from "vitest";
import { groupRunLog, logLines, openByDefault, plainText, searchRunLog, type LogEvent } from "../src/lib/run-log.ts";

let seq = 0;
const ev = (type: string, payload: Record<string, unknown> = {}, fields: Partial<LogEvent> = {}): LogEvent => ({
  seq: ++seq,
  type,
  toolName: null,
  status: null,
  summary: null,
  receivedAt: 1_000 + seq,
  payload,
  ...fields,
});

describe("logLines", () => {
  it("splits output into display lines and keeps a colour that spans a line end", () => {
    const lines = logLines(1, "stdout", "\u001b[31mred\nstill red\u001b[0m plain\n");
    expect(lines.map((l) => l.text)).toEqual(["red", "still red plain"]);
    expect(lines[1]!.segments.map((s) => [s.text, s.fg])).toEqual([
      ["still red", "var(--ansi-red)"],
      [" plain", null],
    ]);
  });
});

describe("groupRunLog", () => {
  it("groups a shell command into one run with its streamed output, in order, and notes around it", () => {
    const events = [
      ev("prompt.submitted", { text: "npm test" }, { summary: "npm test" }),
      ev("tool.started", { toolUseId: "t1", input: { command: "npm test" } }, { toolName: "Shell", summary: "Shell: npm test" }),
      ev("shell.output", { stream: "stdout", text: "\u001b[32m✓\u001b[0m a\n\u001b[32m✓\u001b[0m b\n" }),
      ev("shell.output", { stream: "stderr", text: "warn: slow\n" }),
      ev("tool.finished", { toolUseId: "t1", durationMs: 1200, output: "tail only" }, { toolName: "Shell", status: "ok" }),
      ev("file.changed", { toolUseId: "t1", path: "a.txt", kind: "added", summarized: false }, { summary: "added a.txt (+1 −0)" }),
      ev("turn.finished", { result: "done" }, { status: "ok" }),
    ];
    const groups = groupRunLog(events);
    expect(groups.map((g) => [g.kind, g.title, g.status])).toEqual([
      ["note", "Command", null],
      ["tool", "Shell: npm test", "ok"],
      ["note", "Result", null],
    ]);
    const run = groups[1]!;
    expect(run.durationMs).toBe(1200);
    // Streamed output, not the result's tail; the file it changed after it.
    expect(run.lines.map((l) => [l.stream, l.text])).toEqual([
      ["stdout", "✓ a"],
      ["stdout", "✓ b"],
      ["stderr", "warn: slow"],
      ["info", "added a.txt (+1 −0)"],
    ]);
    expect(groups[2]!.lines[0]!.text).toBe("turn.finished (ok): done");
  });

  it("a tool without streamed output shows its result; a run still going is open and running; a failed one stays open", () => {
    const groups = groupRunLog([
      ev("tool.started", { toolUseId: "r1" }, { toolName: "Read", summary: "Read: /w/a.ts" }),
      ev("tool.finished", { toolUseId: "r1", output: "line 1\nline 2" }, { toolName: "Read", status: "error" }),
      ev("tool.started", { toolUseId: "b1" }, { toolName: "Bash", summary: "Bash: sleep 9" }),
      ev("message.assistant", { text: "waiting" }),
    ]);
    expect(groups.map((g) => [g.title, g.status, g.lines.map((l) => l.text)])).toEqual([
      ["Read: /w/a.ts", "error", ["line 1", "line 2"]],
      ["Bash: sleep 9", "running", []],
      ["Agent", null, ["waiting"]],
    ]);
    expect(groups.map((g, i) => openByDefault(g, i, groups.length))).toEqual([true, true, true]);
    expect(openByDefault({ ...groups[0]!, status: "ok" }, 0, 3)).toBe(false);
  });

  it("output outside any tool run and a truncation marker still show", () => {
    const groups = groupRunLog([
      ev("shell.output", { stream: "stdout", text: "stray\n" }),
      ev("shell.output", { stream: "stdout", text: "", truncated: true, limitBytes: 10 }, { summary: "stdout truncated after 10 bytes" }),
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.lines.map((l) => [l.stream, l.text])).toEqual([
      ["stdout", "stray"],
      ["info", "stdout truncated after 10 bytes"],
    ]);
  });
});

describe("searchRunLog and plainText", () => {
  const groups = groupRunLog([
    ev("tool.started", { toolUseId: "t1" }, { toolName: "Shell", summary: "Shell: make" }),
    ev("shell.output", { stream: "stdout", text: "\u001b[1mBuilding\u001b[0m x\nerror: \u001b[31mFAILED\u001b[0m\nError again\n" }),
    ev("tool.finished", { toolUseId: "t1" }, { toolName: "Shell", status: "error" }),
  ]);

  it("matches the plain text of lines, case-insensitively, never the escape codes", () => {
    const found = searchRunLog(groups, "error");
    expect(found.total).toBe(2);
    expect(found.matches.get("t1")).toEqual([1, 2]);
    expect(searchRunLog(groups, "31m").total).toBe(0);
    expect(searchRunLog(groups, "error: failed").matches.get("t1")).toEqual([1]);
    expect(searchRunLog(groups, "  ").total).toBe(0);
  });

  it("copies as plain text with a heading per group", () => {
    expect(plainText(groups)).toBe("## Shell: make (error)\nBuilding x\nerror: FAILED\nError again");
  });
});
