import type { ScenarioInput } from './scenario.ts';

type Step = ScenarioInput['steps'][number];

/** The name Claude Code gives the control room's `submit_plan` tool (an in-process MCP server named `rozet`). */
export const SUBMIT_PLAN_TOOL_NAME = 'mcp__rozet__submit_plan';

/** A step that makes Claude call the control room's `submit_plan` with these tasks (as a planner would). */
export function submitPlanStep(tasks: Record<string, unknown>[], extra: Omit<Step, 'content'> = {}): Step {
  return { ...extra, content: [{ text: 'Submitting the plan.' }, { tool_use: { name: SUBMIT_PLAN_TOOL_NAME, input: { tasks } } }] };
}
