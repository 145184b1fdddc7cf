export { claudeCodeEnv } from "./claude-env.ts";
export { runStubModelCli } from './cli.ts';
export { errorBody, errorTypeFor } from './errors.ts';
export type { AnthropicBlock, AnthropicMessage } from './message.ts';
export type { RequestFacts } from './request.ts';
export {
  loadScenario,
  parseScenario,
  scenarioSchema,
  ScenarioError,
  type ApiErrorSpec,
  type ContentBlockSpec,
  type Scenario,
  type ScenarioInput,
  type ScriptedResponse,
  type Step,
  type StepMatch,
} from './scenario.ts';
export { startModelStub, type ModelStub, type RecordedRequest, type StartModelStubOptions } from './server.ts';
export { submitPlanStep, SUBMIT_PLAN_TOOL_NAME } from './plan-steps.ts';
