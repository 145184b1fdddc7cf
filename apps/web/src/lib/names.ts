/**
 * Names, not ids: how the page names the agent, task, command and permission rule an event refers to, and where
 * each one lives (the agent filter, the task on the tasks board, the command's run log, the rule on the
 * permissions page). An id nothing resolves (yet) is shown shortened, never as a bare UUID.
 */
import { describePermissionRule, interruptResults, ruleIdOf } from "@rozet/vocabulary";
import type { Command, CommandStatus } from "../api/types.ts";
import { shortId } from "./agent-colour.ts";

type CommandLike = Pick<Command, "kind" | "status" | "result">;

const enc = encodeURIComponent;

export const agentHref = (sessionId: string, agentId: string) => `/sessions/${enc(sessionId)}?agent=${enc(agentId)}`;
export const taskHref = (sessionId: string, taskId: string) => `/sessions/${enc(sessionId)}?view=tasks#task-${enc(taskId)}`;
export const commandHref = (sessionId: string, commandId: string) => `/sessions/${enc(sessionId)}/commands/${enc(commandId)}`;
/** The plans view with one plan open. */
export const planHref = (sessionId: string, planId: string) => `/sessions/${enc(sessionId)}?view=plans&plan=${enc(planId)}`;
export const ruleHref = (sessionId: string, ruleId: string) => `/permissions?session=${enc(sessionId)}#rule-${enc(ruleId)}`;

/** The name of something we know by id: its name when known, else the id shortened. */
export function nameOr(name: string | null | undefined, id: string): string {
  return name?.trim() ? name : shortId(id);
}

/** What a command is, in words: the prompt or command line it carries, or what kind of control it was. */
export function commandTitle(command: Pick<Command, "kind" | "input">): string {
  const input = command.input as Record<string, unknown> | null;
  switch (command.kind) {
    case "prompt":
      return typeof input?.text === "string" ? input.text : "prompt";
    case "interrupt":
      return "Interrupt";
    case "stop":
      return "Stop";
    case "mode":
      return typeof input?.mode === "string" ? `Mode: ${input.mode}` : "Mode change";
    case "permission": {
      const answer = input?.answer as { behavior?: unknown } | undefined;
      return `Permission: ${typeof answer?.behavior === "string" ? answer.behavior : "answer"}`;
    }
  }
}

export type InterruptOutcome = "sent" | "delivered" | "no-op" | "failed";

/**
 * What happened to an interrupt: still on its way (or sent, its turn not yet ended), stopped a running turn, did
 * nothing (nothing was running, or the turn ended on its own first), or failed.
 */
export function interruptOutcome(status: CommandStatus, result: string | null): InterruptOutcome {
  if (status === "failed" || status === "cancelled") return "failed";
  if (status !== "completed" || result === interruptResults.unconfirmed) return "sent";
  return result === interruptResults.noop || result === interruptResults.endedFirst ? "no-op" : "delivered";
}

/** The status word a command list shows: an interrupt's outcome, else the command's status. */
export function commandStatusLabel(command: CommandLike): string {
  return command.kind === "interrupt" ? interruptOutcome(command.status, command.result) : command.status;
}

export interface RuleLike {
  id: string;
  action: string;
  tool: string;
  pattern: string | null;
}

/**
 * Who answered a permission request, in words: `allowed by rule “allow Bash npm *”` (with the rule's id for the
 * link), `denied by the operator`, `timed_out by timeout`. A rule deleted since reads as `a deleted rule`.
 */
export function permissionAnswerText(status: string, answeredBy: string | null | undefined, rules: readonly RuleLike[]): { text: string; ruleId: string | null } {
  const ruleId = ruleIdOf(answeredBy);
  if (ruleId) {
    const rule = rules.find((r) => r.id === ruleId);
    return { text: `${status} by ${rule ? `rule “${describePermissionRule(rule)}”` : "a deleted rule"}`, ruleId };
  }
  return { text: `${status} by ${answeredBy ? actorText(answeredBy) : "nobody"}`, ruleId: null };
}

/** Who issued a command or answered a request, in words: `token:alice` → `alice (token)`, `task:…` → `task …`. */
export function actorText(actor: string): string {
  if (actor === "operator") return "the operator";
  if (actor.startsWith("token:")) return `${actor.slice("token:".length)} (token)`;
  if (actor.startsWith("task:")) return `task ${shortId(actor.slice("task:".length))}`;
  return actor;
}
