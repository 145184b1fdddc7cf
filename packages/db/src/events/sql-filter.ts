import type { EventFilter } from "./types.ts";

/** The columns of an `EventSummary` (everything but the payload). */
export const SUMMARY_COLUMNS = `seq, eventId, sessionId, agentId, taskId, commandId, source, type, hookEventType, schemaVersion,
  clientTs, receivedAt, toolName, filePath, status, costUsd, inputTokens, outputTokens, summary, payloadSize`;

/** The WHERE terms and named parameters of a timeline filter: pages, windows and exports match the same rows. */
export function filterClause(filter: EventFilter): { where: string[]; params: Record<string, unknown> } {
  const where = ["sessionId = @sessionId"];
  const params: Record<string, unknown> = { sessionId: filter.sessionId };
  if (filter.agentId) {
    where.push("agentId = @agentId");
    params.agentId = filter.agentId;
  }
  if (filter.taskId) {
    where.push("taskId = @taskId");
    params.taskId = filter.taskId;
  }
  if (filter.types?.length) {
    where.push(`type IN (${filter.types.map((_, i) => `@type${i}`).join(", ")})`);
    filter.types.forEach((type, i) => (params[`type${i}`] = type));
  }
  if (filter.text) {
    where.push(
      "(summary LIKE @text ESCAPE '\\' OR toolName LIKE @text ESCAPE '\\' OR filePath LIKE @text ESCAPE '\\' OR type LIKE @text ESCAPE '\\')",
    );
    params.text = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  return { where, params };
}
