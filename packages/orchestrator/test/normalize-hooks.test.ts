import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clip, hookEventTypes, normalizeHookEvent } from "../src/normalize/hook-events.ts";

const hooksDir = new URL("../../../fixtures/claude-code/hooks/", import.meta.url);
// Files starting with "_" are notes about the capture (e.g. the environment hooks saw), not hook payloads.
const fixtureFiles = readdirSync(hooksDir).filter((name) => name.endsWith(".json") && !name.startsWith("_"));

function hookFixture(eventName: string): { name: string; payload: Record<string, unknown> } {
  const payload = JSON.parse(readFileSync(new URL(`${eventName}.json`, hooksDir), "utf8")) as Record<string, unknown>;
  return { name: String(payload.hook_event_name), payload };
}

function normalizedFixture(eventName: string) {
  const { name, payload } = hookFixture(eventName);
  return normalizeHookEvent(name, payload);
}

describe("normalizeHookEvent over the captured Claude Code hook payloads", () => {
  it("has the 22 captured events", () => {
    expect(fixtureFiles).toHaveLength(22);
  });

  it.each(fixtureFiles.map((file) => file.replace(/\.json$/, "")))("%s maps to its known, non-hook.* type", (eventName) => {
    const { name, payload } = hookFixture(eventName);
    expect(name).toBe(eventName);
    const normalized = normalizeHookEvent(name, payload);
    expect(normalized.type).toBe(hookEventTypes[name]);
    expect(normalized.type).not.toMatch(/^hook\./);
    expect(normalized.type).toMatch(/^[a-z]+\.[a-z_]+$/);
    if (normalized.summary !== undefined) expect(normalized.summary.length).toBeLessThanOrEqual(300);
  });

  it("PreToolUse → tool.started with the tool, its file and a one-line summary", () => {
    expect(normalizedFixture("PreToolUse")).toEqual({
      type: "tool.started",
      toolName: "Edit",
      filePath: "<PROJECT_DIR>/out.txt",
      summary: "Edit: <PROJECT_DIR>/out.txt",
    });
  });

  it("PostToolUse → tool.finished ok", () => {
    expect(normalizedFixture("PostToolUse")).toEqual({
      type: "tool.finished",
      toolName: "Edit",
      filePath: "<PROJECT_DIR>/out.txt",
      status: "ok",
      summary: "Edit: <PROJECT_DIR>/out.txt",
    });
  });

  it("PostToolUseFailure → tool.finished error with the error on one line", () => {
    expect(normalizedFixture("PostToolUseFailure")).toEqual({
      type: "tool.finished",
      toolName: "Bash",
      filePath: undefined,
      status: "error",
      summary: "Bash failed: Exit code 3 failing",
    });
  });

  it("PermissionRequest → permission.requested for the tool and file", () => {
    expect(normalizedFixture("PermissionRequest")).toEqual({
      type: "permission.requested",
      toolName: "Edit",
      filePath: "<PROJECT_DIR>/out.txt",
      summary: "Edit: <PROJECT_DIR>/out.txt",
    });
  });

  it("UserPromptSubmit → prompt.submitted with the prompt", () => {
    expect(normalizedFixture("UserPromptSubmit")).toEqual({ type: "prompt.submitted", toolName: undefined, filePath: undefined, summary: "please do-full" });
  });

  it("Stop → turn.finished with the last assistant message", () => {
    expect(normalizedFixture("Stop")).toMatchObject({
      type: "turn.finished",
      summary: "All done: edited out.txt and created hello.txt.",
      toolName: undefined,
    });
  });

  it("StopFailure → agent.failed with the error category", () => {
    expect(normalizedFixture("StopFailure")).toMatchObject({ type: "agent.failed", status: "error", summary: "turn failed: server_error" });
  });

  it("SessionStart and SessionEnd → session.started / session.ended with source and reason", () => {
    expect(normalizedFixture("SessionStart")).toMatchObject({ type: "session.started", summary: "startup" });
    expect(normalizedFixture("SessionEnd")).toMatchObject({ type: "session.ended", summary: "other" });
  });

  it("file-ish events carry the file path", () => {
    expect(normalizedFixture("FileChanged")).toMatchObject({
      type: "file.changed",
      filePath: "<PROJECT_DIR>/watched.txt",
      summary: "change <PROJECT_DIR>/watched.txt",
    });
    expect(normalizedFixture("InstructionsLoaded")).toMatchObject({ type: "context.instructions_loaded", filePath: "<PROJECT_DIR>/CLAUDE.md" });
    expect(normalizedFixture("CwdChanged")).toMatchObject({ type: "workspace.cwd_changed", summary: "<PROJECT_DIR>/sub" });
  });

  it("subagent events name the agent type or its last message", () => {
    expect(normalizedFixture("SubagentStart")).toMatchObject({ type: "subagent.started", summary: "general-purpose" });
    expect(normalizedFixture("SubagentStop")).toMatchObject({ type: "subagent.finished", summary: "Subagent reply." });
  });

  it("unknown hook names fall back to hook.<name> and garbage payloads do not throw", () => {
    expect(normalizeHookEvent("SomethingNew", { tool_name: 5 })).toEqual({ type: "hook.SomethingNew", toolName: undefined, filePath: undefined });
    expect(normalizeHookEvent("PreToolUse", null)).toMatchObject({ type: "tool.started", summary: undefined });
    expect(normalizeHookEvent("PostToolUseFailure", [])).toMatchObject({ summary: "tool failed: unknown error" });
  });
});

describe("clip", () => {
  it("gives the same one-line summary as collapsing the whole text, however the whitespace falls", () => {
    const whole = (text: string) => {
      const oneLine = text.replace(/\s+/g, " ").trim();
      return oneLine.length > 300 ? `${oneLine.slice(0, 299)}…` : oneLine;
    };
    const texts = [
      "short  text\n",
      "x".repeat(5_000),
      `a${" ".repeat(3_000)}${"b".repeat(400)}`,
      "word \n\t ".repeat(2_000),
      `${"\n".repeat(1_199)}tail`,
      "é😀 ".repeat(700),
    ];
    for (const text of texts) expect(clip(text)).toBe(whole(text));
  });
});
