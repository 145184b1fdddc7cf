import type { PlanDto } from "./plan-dto.ts";

export const SUBMIT_PLAN_TOOL = "submit_plan";

/** What finished and what failed, for a planner asked to plan the rest. */
export interface ReplanContext {
  finished: { title: string; result: string | null }[];
  failed: { title: string; error: string };
}

/** The planner's first prompt of a round. */
export function plannerPrompt(plan: Pick<PlanDto, "goal" | "constraints" | "budgetUsd">, replan?: ReplanContext): string {
  const lines = [
    "You are the planner of a team of coding agents. Do not change anything: look around the workspace (read files) and split the goal into tasks that other agents will carry out.",
    "The planner is read-only: every request to write, edit, delete or move a file or to run a command is refused (\"planner is read-only\").",
    "",
    `Goal: ${plan.goal}`,
  ];
  if (plan.constraints) lines.push(`Constraints: ${plan.constraints}`);
  if (plan.budgetUsd !== null) lines.push(`Budget: $${plan.budgetUsd} for all tasks together; give tasks a budgetUsd each, adding up to at most that.`);
  if (replan) {
    lines.push("", "This is a replan: part of an earlier plan is done and one task failed. Plan only the remaining work; finished tasks stay done.");
    for (const done of replan.finished) lines.push(`Finished: ${done.title}${done.result ? ` — ${done.result.slice(0, 500)}` : ""}`);
    lines.push(`Failed: ${replan.failed.title} — ${replan.failed.error}`);
  }
  lines.push(
    "",
    `Answer by calling the tool ${SUBMIT_PLAN_TOOL} once with { "tasks": [{ "key", "title", "prompt", "dependsOn": [keys], "agentProfile"?: { "driver": "claude" | "acp" | "shell", "model"?, "config"? }, "budgetUsd"?, "touches": [files or areas] }] }.`,
    "Each prompt is the whole instruction for the agent doing the task. Tasks without dependencies on each other run in parallel; a task starts when the tasks it depends on are done.",
    `If ${SUBMIT_PLAN_TOOL} refuses the plan, fix what it says and call it again. If you have no such tool, answer with the plan as one JSON object {"tasks": [...]} in a \`\`\`json block.`,
  );
  return lines.join("\n");
}

/** What the planner is told after a turn that left no acceptable plan. */
export function refusalPrompt(reason: string, attemptsLeft: number): string {
  return `The plan was not accepted: ${reason}. Fix it and submit the whole plan again with ${SUBMIT_PLAN_TOOL} (${attemptsLeft} attempt${attemptsLeft === 1 ? "" : "s"} left).`;
}

/** A plan given as JSON in a turn's final text (planners whose driver offers no tools): the last JSON block or object. */
export function proposalInText(text: string | null | undefined): unknown {
  if (!text) return undefined;
  const fenced = [...text.matchAll(/```(?:json)?\s*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const first = text.indexOf("{");
  const candidates = [...fenced.reverse(), ...(first >= 0 ? [text.slice(first, text.lastIndexOf("}") + 1)] : [])];
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value && typeof value === "object" && "tasks" in value) return value;
    } catch {
      // not this one
    }
  }
  return undefined;
}
