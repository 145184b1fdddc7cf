import { describe, expect, it } from "vitest";
import { agentInputFromForm } from "../src/pages/session/agent-form.ts";

const form = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });

describe("agentInputFromForm", () => {
  it("builds agent.create's input for a Claude agent with a budget", () => {
    expect(agentInputFromForm("s1", form({ name: " writer ", driver: "claude", model: "claude-sonnet", permissionMode: "default", budgetUsd: "2.5", budgetTokens: "100000", worktree: "on" }))).toEqual({
      sessionId: "s1",
      name: "writer",
      driver: "claude",
      model: "claude-sonnet",
      config: { worktree: true },
      budgetUsd: 2.5,
      budgetTokens: 100000,
    });
  });

  it("carries the ACP profile, a custom command line as argv, and the permission mode", () => {
    expect(agentInputFromForm("s1", form({ name: "a", driver: "acp", profile: "gemini", permissionMode: "acceptEdits" }))).toMatchObject({ config: { profile: "gemini", permissionMode: "acceptEdits" } });
    expect(agentInputFromForm("s1", form({ name: "a", driver: "acp", profile: "custom", command: "my-agent  --acp" }))).toMatchObject({ config: { profile: "custom", command: ["my-agent", "--acp"] } });
    expect(agentInputFromForm("s1", form({ name: "a", driver: "acp", profile: "custom", command: " " }))).toMatch(/command line/);
  });

  it("says what is wrong instead of sending bad input", () => {
    expect(agentInputFromForm("s1", form({ name: "  " }))).toMatch(/name/);
    expect(agentInputFromForm("s1", form({ name: "a", driver: "shell", budgetUsd: "-1" }))).toMatch(/USD budget/);
    expect(agentInputFromForm("s1", form({ name: "a", driver: "shell", budgetTokens: "1.5" }))).toMatch(/token budget/);
    expect(agentInputFromForm("s1", form({ name: "a", driver: "shell" }))).toEqual({ sessionId: "s1", name: "a", driver: "shell" });
  });

  it("reads a file where text belongs as no text, not as \"[object File]\"", () => {
    const file = new File(["x"], "name.txt");
    const withFiles = { get: (name: string) => (name === "driver" ? "shell" : file) };
    expect(agentInputFromForm("s1", withFiles)).toMatch(/name/);
  });
});
