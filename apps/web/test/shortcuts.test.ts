import { describe, expect, it } from "vitest";
import { exportHref } from "../src/lib/export-links.ts";
import { isTypingTarget, keyName, matchShortcut } from "../src/lib/shortcuts.ts";

const shortcuts = [
  { keys: "?", description: "help", group: "General" },
  { keys: "g s", description: "sessions", group: "Go" },
  { keys: "g p", description: "permissions", group: "Go" },
  { keys: "/", description: "search", group: "Timeline" },
];

describe("shortcuts", () => {
  it("runs single keys and two-key sequences", () => {
    expect(matchShortcut([], "?", shortcuts)).toMatchObject({ kind: "run", shortcut: { description: "help" } });
    expect(matchShortcut([], "g", shortcuts)).toEqual({ kind: "prefix", pending: ["g"] });
    expect(matchShortcut(["g"], "p", shortcuts)).toMatchObject({ kind: "run", shortcut: { description: "permissions" } });
  });

  it("starts over when a sequence leads nowhere", () => {
    expect(matchShortcut(["g"], "?", shortcuts)).toMatchObject({ kind: "run", shortcut: { description: "help" } });
    expect(matchShortcut(["g"], "x", shortcuts)).toEqual({ kind: "none" });
  });

  it("leaves modified keys and form fields alone", () => {
    expect(keyName({ key: "p", ctrlKey: true })).toBeNull();
    expect(keyName({ key: "?" })).toBe("?");
    expect(isTypingTarget({ tagName: "TEXTAREA" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "search" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(isTypingTarget({ tagName: "BUTTON" })).toBe(false);
  });
});

describe("exportHref", () => {
  it("carries the timeline's filters and the token", () => {
    expect(exportHref("s 1", "ndjson")).toBe("/api/sessions/s%201/export.ndjson");
    expect(exportHref("s1", "json", { agentId: "a1", types: ["tool.started", "usage"], text: " npm " }, "tok")).toBe(
      "/api/sessions/s1/export.json?agentId=a1&types=tool.started%2Cusage&text=npm&token=tok",
    );
  });
});
