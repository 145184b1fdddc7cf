import { describe, expect, it } from "vitest";
import { onlyLooks } from "../src/runtime/read-only.ts";

describe("onlyLooks: what a read-only agent (a planner) may still ask for", () => {
  it("ACP tools by kind: reads, searches, thoughts and fetches; never edits, deletes, moves, commands, mode switches or unknown tools", () => {
    const acp = (kind: string) => onlyLooks({ toolName: "x", input: {}, extra: { kind } });
    expect(["read", "search", "think", "fetch"].map(acp)).toEqual([true, true, true, true]);
    expect(["edit", "delete", "move", "execute", "switch_mode", "other"].map(acp)).toEqual([false, false, false, false, false, false]);
  });

  it("Claude tools by name: Read, Grep, Glob … look; Write, Edit, Bash and anything unknown do not", () => {
    const claude = (toolName: string) => onlyLooks({ toolName, input: {} });
    expect(["Read", "Grep", "Glob", "WebFetch"].map(claude)).toEqual([true, true, true, true]);
    expect(["Write", "Edit", "MultiEdit", "NotebookEdit", "Bash", "KillShell", "ExitPlanMode", "mcp__other__tool"].map(claude).some(Boolean)).toBe(false);
  });
});
