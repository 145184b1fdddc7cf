import type { Models } from "@rozet/db";
import type { EventPayload, TaskStatus } from "@rozet/vocabulary";

/** Rows as they go over the wire: dates as ISO strings, JSON columns parsed. */
export function sessionDto(row: Models.SessionModel) {
  return {
    id: row.id,
    name: row.name,
    externalKey: row.externalKey,
    workspaceRoot: row.workspaceRoot,
    status: row.status as "active" | "archived",
    autoApprovePlans: row.autoApprovePlans,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function agentDto(row: Models.AgentModel) {
  return {
    id: row.id,
    sessionId: row.sessionId,
    name: row.name,
    driver: row.driver,
    model: row.model,
    status: row.status,
    config: JSON.parse(row.config) as Record<string, unknown>,
    processId: row.processId,
    externalSessionId: row.externalSessionId,
    costUsd: row.costUsd,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    lastError: row.lastError,
    budgetUsd: row.budgetUsd,
    budgetTokens: row.budgetTokens,
    lastEventAt: row.lastEventAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A task's stopped upstream merge (the `task.merge_conflict` payload), until the operator resolves it. */
export type StoredMergeConflict = Omit<EventPayload<"task.merge_conflict">, "raw" | "parentToolUseId"> & {
  /** Set by the operator: "agent" = the task's next turn resolves it first. */
  resolution?: "agent" | undefined;
};

export function readMergeConflict(row: Pick<Models.TaskModel, "mergeConflict">): StoredMergeConflict | null {
  return row.mergeConflict ? (JSON.parse(row.mergeConflict) as StoredMergeConflict) : null;
}

export function taskDto(row: Models.TaskModel) {
  return {
    id: row.id,
    sessionId: row.sessionId,
    title: row.title,
    prompt: row.prompt,
    status: row.status as TaskStatus,
    agentId: row.agentId,
    parentId: row.parentId,
    dependsOn: JSON.parse(row.dependsOn) as string[],
    planId: row.planId,
    planKey: row.planKey,
    attempts: row.attempts,
    budgetUsd: row.budgetUsd,
    budgetTokens: row.budgetTokens,
    costUsd: row.costUsd,
    tokens: row.tokens,
    result: row.result,
    error: row.error,
    branch: row.branch,
    baseCommit: row.baseCommit,
    headCommit: row.headCommit,
    mergeConflict: readMergeConflict(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function commandDto(row: Models.CommandModel) {
  return {
    id: row.id,
    agentId: row.agentId,
    kind: row.kind as "prompt" | "interrupt" | "stop" | "permission" | "mode",
    input: JSON.parse(row.input) as Record<string, unknown>,
    status: row.status as CommandStatus,
    result: row.result,
    error: row.error,
    idempotencyKey: row.idempotencyKey,
    taskId: row.taskId,
    issuedBy: row.issuedBy,
    createdAt: row.createdAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export type CommandStatus = "queued" | "accepted" | "running" | "completed" | "failed" | "cancelled";

export function permissionDto(row: Models.PermissionRequestModel) {
  return {
    id: row.id,
    sessionId: row.sessionId,
    agentId: row.agentId,
    commandId: row.commandId,
    toolName: row.toolName,
    input: JSON.parse(row.input) as Record<string, unknown>,
    toolUseId: row.toolUseId,
    reason: row.reason,
    status: row.status as "pending" | "allowed" | "denied" | "timed_out" | "cancelled",
    decision: row.decision ? (JSON.parse(row.decision) as Record<string, unknown>) : null,
    answeredBy: row.answeredBy,
    createdAt: row.createdAt.toISOString(),
    answeredAt: row.answeredAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString(),
  };
}

export function permissionRuleDto(row: Models.PermissionRuleModel) {
  return {
    id: row.id,
    sessionId: row.sessionId,
    tool: row.tool,
    pattern: row.pattern,
    action: row.action as "allow" | "deny" | "ask",
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

export type CommandDto = ReturnType<typeof commandDto>;
export type PermissionDto = ReturnType<typeof permissionDto>;
export type PermissionRuleDto = ReturnType<typeof permissionRuleDto>;
export type SessionDto = ReturnType<typeof sessionDto>;
export type AgentDto = ReturnType<typeof agentDto>;
export type TaskDto = ReturnType<typeof taskDto>;
