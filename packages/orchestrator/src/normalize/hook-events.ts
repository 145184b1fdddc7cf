import { asRecord, asString, type EventType } from "@rozet/vocabulary";

/** What the event pipeline indexes for one Claude Code hook payload. */
export interface NormalizedHook {
  type: string;
  toolName?: string | undefined;
  filePath?: string | undefined;
  status?: string | undefined;
  summary?: string | undefined;
}

/**
 * Claude Code hook event name → normalized event type (docs/events.md §3), each a catalogue type. Unknown names
 * map to `hook.<name>`, outside the catalogue.
 */
export const hookEventTypes: Record<string, EventType> = {
  SessionStart: "session.started",
  SessionEnd: "session.ended",
  Setup: "session.setup",
  InstructionsLoaded: "context.instructions_loaded",
  UserPromptSubmit: "prompt.submitted",
  UserPromptExpansion: "prompt.expanded",
  PreToolUse: "tool.started",
  PostToolUse: "tool.finished",
  PostToolUseFailure: "tool.finished",
  PostToolBatch: "tool.batch_finished",
  PermissionRequest: "permission.requested",
  PermissionDenied: "permission.answered",
  MessageDisplay: "message.assistant",
  Notification: "agent.notification",
  Stop: "turn.finished",
  StopFailure: "agent.failed",
  SubagentStart: "subagent.started",
  SubagentStop: "subagent.finished",
  PreCompact: "context.compacting",
  PostCompact: "context.compacted",
  TaskCreated: "task.created",
  TaskCompleted: "task.completed",
  TeammateIdle: "agent.waiting",
  CwdChanged: "workspace.cwd_changed",
  FileChanged: "file.changed",
  ConfigChange: "config.changed",
  PreModelSwitch: "model.switching",
  PostModelSwitch: "model.switched",
  Elicitation: "elicitation.requested",
  ElicitationResult: "elicitation.answered",
  WorktreeCreate: "workspace.worktree_created",
  WorktreeRemove: "workspace.worktree_removed",
  DirectoryAdded: "workspace.directory_added",
};

const SUMMARY_MAX = 300;

export function clip(text: string, max = SUMMARY_MAX): string {
  // Summaries come from prompts, messages and tool output of up to megabytes: collapse a prefix first, and the
  // whole text only when whitespace ate so much of the prefix that it no longer fills the summary.
  const prefix = text.length > max * 4 ? text.slice(0, max * 4) : text;
  let oneLine = prefix.replace(/\s+/g, " ").trim();
  if (prefix !== text && oneLine.length <= max) oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** The one-line description of what a tool call does, from its input. */
export function describeToolInput(toolName: string, input: Record<string, unknown>): string {
  const detail =
    asString(input.command) ??
    asString(input.file_path) ??
    asString(input.path) ??
    asString(input.pattern) ??
    asString(input.url) ??
    asString(input.description) ??
    asString(input.prompt);
  return detail ? `${toolName}: ${detail}` : toolName;
}

/** Maps a hook event (name + payload) to the normalized type and the fields we index. */
export function normalizeHookEvent(hookEventType: string, payloadValue: unknown): NormalizedHook {
  const payload = asRecord(payloadValue) ?? {};
  // Own keys only: a hook named "valueOf" or "constructor" must not find Object.prototype's members.
  const type = (Object.hasOwn(hookEventTypes, hookEventType) ? hookEventTypes[hookEventType] : undefined) ?? `hook.${hookEventType}`;
  const toolName = asString(payload.tool_name);
  const toolInput = asRecord(payload.tool_input) ?? {};
  const filePath = asString(toolInput.file_path) ?? asString(toolInput.notebook_path) ?? asString(payload.file_path);
  const result: NormalizedHook = { type, toolName, filePath };
  switch (hookEventType) {
    case "PreToolUse":
    case "PermissionRequest":
      result.summary = toolName ? describeToolInput(toolName, toolInput) : undefined;
      break;
    case "PostToolUse":
      result.status = "ok";
      result.summary = toolName ? describeToolInput(toolName, toolInput) : undefined;
      break;
    case "PostToolUseFailure":
      result.status = "error";
      result.summary = `${toolName ?? "tool"} failed: ${asString(payload.error) ?? "unknown error"}`;
      break;
    case "PermissionDenied":
      result.status = "denied";
      result.summary = `${toolName ?? "tool"} denied: ${asString(payload.reason) ?? ""}`;
      break;
    case "UserPromptSubmit":
    case "UserPromptExpansion":
      result.summary = asString(payload.prompt);
      break;
    case "Stop":
    case "SubagentStop":
      result.summary = asString(payload.last_assistant_message);
      break;
    case "StopFailure":
      result.status = "error";
      result.summary = `turn failed: ${asString(payload.error) ?? "unknown error"}`;
      break;
    case "Notification":
      result.summary = asString(payload.message);
      break;
    case "SessionStart":
      result.summary = [asString(payload.source), asString(payload.model)].filter(Boolean).join(" · ") || undefined;
      break;
    case "SessionEnd":
      result.summary = asString(payload.reason);
      break;
    case "MessageDisplay":
      result.summary = asString(payload.delta);
      break;
    case "SubagentStart":
      result.summary = asString(payload.agent_type);
      break;
    case "CwdChanged":
      result.summary = asString(payload.new_cwd);
      break;
    case "FileChanged":
      result.summary = [asString(payload.event), asString(payload.file_path)].filter(Boolean).join(" ");
      break;
  }
  if (result.summary) result.summary = clip(result.summary);
  return result;
}
