export { createControlRoom, type ControlRoom, type ControlRoomOptions } from "./control-room.ts";
export { ControlFeed, type ControlFeedEntry, type ControlMessage } from "./control-feed.ts";
export * from "./sessions.ts";
export * from "./agents.ts";
export * from "./tasks.ts";
export { resolveTaskConflict, type ConflictResolution } from "./task-conflicts.ts";
export { recordTaskArtifact } from "./task-artifacts.ts";
export { ownEvent, recordEvent } from "./timeline.ts";
export { commandRunLog, RUN_LOG_PAGE_BYTES } from "./run-log.ts";
export * from "./workspaces/index.ts";
export {
  liveProcessGroups,
  killAllProcessGroups,
  stopAllProcessGroups,
  type LiveProcessGroup,
} from "./process/index.ts";
export { normalizeHookEvent, hookEventTypes, describeToolInput, clip } from "./normalize/hook-events.ts";
export type { SessionDto, AgentDto, TaskDto, CommandDto, PermissionDto, PermissionRuleDto } from "./dto.ts";
export { builtinDrivers } from "./drivers/index.ts";
export { opencodeBin } from "./drivers/acp/index.ts";
export { driverConfigSchemas, driverConfigShape } from "./drivers/config.ts";
export * from "./runtime/agent-commands.ts";
export { agentStatuses, type AgentStatus } from "./runtime/lifecycle.ts";
export type { AgentDriver, DriverContext, DriverHost, DriverEvent, DriverFactory, DriverStartInfo, PermissionDecision, PermissionRequest, TurnResult } from "./runtime/driver.ts";
export type { OperatorAnswer } from "./runtime/permission-broker.ts";
export { createToken, listTokens, revokeToken, tokenDto, TOKEN_SECRET_PREFIX, type TokenDto } from "./access/tokens.ts";
export { createPlan, getPlan, listPlans, updatePlan, approvePlan, decidePlan, cancelPlan } from "./plans/plans.ts";
export type { PlanDto, PlanTask, PlanRefusal, PendingDecision, PlannerProfile } from "./plans/plan-dto.ts";
export { validateProposal } from "./plans/plan-validation.ts";
export * from "./runners/protocol.ts";
export type { RunnerQueue, RunnerRecord, ExpiredLease } from "./runners/queue.ts";
export { RunnerHub } from "./runners/runner-hub.ts";
export { AgentForwarder } from "./replicas/agent-forwarding.ts";
export { runnerLabelOf } from "./runners/runner-label.ts";
export { AGENT_ID_ENV, findOrphans, killOrphans } from "./process/orphans.ts";
export * from "./legacy-themes/themes.ts";
export { THEME_COLOR_KEYS, THEME_LIMITS, type ThemeColors, type ThemeValidationError } from "./legacy-themes/theme-input.ts";
export type { ReplicaTopics } from "./replica-topics.ts";
