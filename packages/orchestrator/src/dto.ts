import type { Models } from "@rozet/db";

/** Rows as they go over the wire: dates as ISO strings, JSON columns parsed. */
export function sessionDto(row: Models.SessionModel) {
  return {
    id: row.id,
    name: row.name,
    externalKey: row.externalKey,
    workspaceRoot: row.workspaceRoot,
    status: row.status as "active" | "archived",
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
    lastEventAt: row.lastEventAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function taskDto(row: Models.TaskModel) {
  return {
    id: row.id,
    sessionId: row.sessionId,
    title: row.title,
    prompt: row.prompt,
    status: row.status,
    agentId: row.agentId,
    parentId: row.parentId,
    dependsOn: JSON.parse(row.dependsOn) as string[],
    attempts: row.attempts,
    result: row.result,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export type SessionDto = ReturnType<typeof sessionDto>;
export type AgentDto = ReturnType<typeof agentDto>;
export type TaskDto = ReturnType<typeof taskDto>;
