import { interruptResults } from "@rozet/vocabulary";
import { describe, expect, it } from "vitest";
import { actorText, agentHref, commandHref, commandStatusLabel, commandTitle, interruptOutcome, nameOr, permissionAnswerText, ruleHref, taskHref } from "../src/lib/names.ts";

describe("names, not ids", () => {
  it("a command is named by what it carries, an interrupt as an Interrupt", () => {
    expect(commandTitle({ kind: "prompt", input: { text: "npm test" } })).toBe("npm test");
    expect(commandTitle({ kind: "interrupt", input: {} })).toBe("Interrupt");
    expect(commandTitle({ kind: "stop", input: {} })).toBe("Stop");
    expect(commandTitle({ kind: "mode", input: { mode: "plan" } })).toBe("Mode: plan");
    expect(commandTitle({ kind: "permission", input: { requestId: "p1", answer: { behavior: "deny" } } })).toBe("Permission: deny");
  });

  it("an interrupt shows its real outcome, never 'completed'", () => {
    expect(interruptOutcome("queued", null)).toBe("sent");
    expect(interruptOutcome("running", null)).toBe("sent");
    expect(interruptOutcome("completed", interruptResults.delivered)).toBe("delivered");
    expect(interruptOutcome("completed", interruptResults.noop)).toBe("no-op");
    expect(interruptOutcome("completed", interruptResults.endedFirst)).toBe("no-op");
    expect(interruptOutcome("completed", interruptResults.unconfirmed)).toBe("sent");
    expect(interruptOutcome("failed", null)).toBe("failed");
    expect(commandStatusLabel({ kind: "interrupt", status: "completed", result: interruptResults.noop })).toBe("no-op");
    expect(commandStatusLabel({ kind: "prompt", status: "completed", result: "ok" })).toBe("completed");
  });

  it("a rule answer reads as the rule's description with its id for the link; other answers say who", () => {
    const rules = [{ id: "r1", action: "allow", tool: "Bash", pattern: "npm *" }];
    expect(permissionAnswerText("allowed", "rule:r1", rules)).toEqual({ text: "allowed by rule “allow Bash npm *”", ruleId: "r1" });
    expect(permissionAnswerText("denied", "rule:gone", rules)).toEqual({ text: "denied by a deleted rule", ruleId: "gone" });
    expect(permissionAnswerText("denied", "operator", rules)).toEqual({ text: "denied by the operator", ruleId: null });
    expect(permissionAnswerText("timed_out", "timeout", [])).toEqual({ text: "timed_out by timeout", ruleId: null });
    expect(permissionAnswerText("allowed", "token:alice", [])).toEqual({ text: "allowed by alice (token)", ruleId: null });
  });

  it("names who issued a command: a token by its name, a task by its short id", () => {
    expect(actorText("token:ROZET_TOKEN")).toBe("ROZET_TOKEN (token)");
    expect(actorText("task:dcf846d4-0000-4000-8000-000000000000")).toBe("task dcf846d4");
    expect(actorText("operator")).toBe("the operator");
  });

  it("each name links to its place; an unknown id is shortened, never shown whole", () => {
    expect(agentHref("s 1", "a1")).toBe("/sessions/s%201?agent=a1");
    expect(taskHref("s1", "t1")).toBe("/sessions/s1?view=tasks#task-t1");
    expect(commandHref("s1", "c1")).toBe("/sessions/s1/commands/c1");
    expect(ruleHref("s1", "r1")).toBe("/permissions?session=s1#rule-r1");
    expect(nameOr("builder", "dcf846d4-0000-4000-8000-000000000000")).toBe("builder");
    expect(nameOr(undefined, "dcf846d4-0000-4000-8000-000000000000")).toBe("dcf846d4");
  });
});
