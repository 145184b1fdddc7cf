import type { RequestFacts } from './request.ts';
import type { Scenario, ScriptedResponse, StepMatch } from './scenario.ts';

// Hands out scenario steps, one per model request. A step without `match` is taken in order;
// a step with `match` waits (without blocking the steps behind it) until a request satisfies it.

export const DEFAULT_FALLBACK: ScriptedResponse = {
  content: [{ text: 'stub: no more scripted steps' }],
};

export interface Pick {
  response: ScriptedResponse;
  /** Index into scenario.steps, or 'fallback'. */
  step: number | 'fallback';
}

export function matches(match: StepMatch | undefined, facts: RequestFacts): boolean {
  if (!match) return true;
  if (match.lastUserTextIncludes !== undefined && !facts.lastUserText.includes(match.lastUserTextIncludes)) return false;
  if (match.systemIncludes !== undefined && !facts.systemText.includes(match.systemIncludes)) return false;
  if (match.hasTools !== undefined && match.hasTools !== facts.hasTools) return false;
  if (match.model !== undefined && !(facts.model ?? '').includes(match.model)) return false;
  return true;
}

export interface Script {
  /** Consume the response for this request. Synchronous, so concurrent requests never share a step. */
  pick(facts: RequestFacts): Pick;
  /** Requests still scripted (sum of the remaining repeats). */
  remaining(): number;
}

export function createScript(scenario: Scenario): Script {
  const left = scenario.steps.map((step) => step.repeat);
  const fallback = scenario.fallback ?? DEFAULT_FALLBACK;
  return {
    pick(facts) {
      const index = scenario.steps.findIndex((step, i) => (left[i] ?? 0) > 0 && matches(step.match, facts));
      const step = scenario.steps[index];
      if (!step) return { response: fallback, step: 'fallback' };
      left[index] = (left[index] ?? 0) - 1;
      return { response: step, step: index };
    },
    remaining: () => left.reduce((sum, n) => sum + n, 0),
  };
}
