/** Download links for a session's export (served by the server, streamed): the timeline's filters apply. */
export type ExportFormat = "ndjson" | "json" | "zip";

export interface ExportFilter {
  agentId?: string | undefined;
  taskId?: string | undefined;
  types?: readonly string[] | undefined;
  text?: string | undefined;
}

export function exportHref(sessionId: string, format: ExportFormat, filter: ExportFilter = {}, token?: string): string {
  const params = new URLSearchParams();
  if (filter.agentId) params.set("agentId", filter.agentId);
  if (filter.taskId) params.set("taskId", filter.taskId);
  if (filter.types && filter.types.length > 0) params.set("types", filter.types.join(","));
  if (filter.text?.trim()) params.set("text", filter.text.trim());
  // Links cannot carry an Authorization header; the server accepts the token as a query parameter instead.
  if (token) params.set("token", token);
  const query = params.toString();
  return `/api/sessions/${encodeURIComponent(sessionId)}/export.${format}${query ? `?${query}` : ""}`;
}
