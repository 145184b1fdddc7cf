import type { PermissionRequest } from "./driver.ts";

/**
 * What a read-only agent (a planner) may still be allowed to do when it asks: look. ACP agents say what a tool
 * does by its kind; Claude's tools are known by name. Anything else — an edit, a delete or move, a command, a mode
 * switch, a tool of unknown effect — is refused before anyone is asked.
 */
const LOOKING_KINDS = new Set(["read", "search", "think", "fetch"]);
const LOOKING_TOOLS = new Set(["Read", "Grep", "Glob", "LS", "NotebookRead", "WebFetch", "WebSearch", "TodoWrite"]);

export function onlyLooks(request: PermissionRequest): boolean {
  const kind = request.extra?.kind;
  if (typeof kind === "string") return LOOKING_KINDS.has(kind);
  return LOOKING_TOOLS.has(request.toolName);
}

/** Why a read-only agent's write or command is refused (what the timeline and the agent are told). */
export function readOnlyReason(isPlanner: boolean): string {
  return isPlanner ? "planner is read-only" : "agent is read-only";
}
