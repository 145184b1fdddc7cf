/**
 * What a hook stream leaves open. Claude Code sends PreToolUse and PermissionRequest, but no closing hook for a tool
 * that never ran (denied in `claude -p`, blocked, interrupted): the timeline would show it running forever. This
 * tracker follows one agent's hook events and says which open tool calls and permission requests to close, and how,
 * when the stream shows they are over (a PostToolBatch that lists the call, or the turn's end: Stop, StopFailure, SessionEnd).
 */

/** The fields of one stored hook event the tracker needs. */
export interface HookStep {
  seq: number;
  hookEventType: string;
  toolName: string | null;
  /** PostToolBatch: the calls of the batch, with their response text where it is one (read by the caller). */
  batch?: { toolUseId: string; response?: string | undefined }[] | undefined;
}

/**
 * The `tool_use_id` of a stored PreToolUse / PostToolUse event, by seq. Asked only when needed (two open calls of
 * one tool, a batch, a closing), so the hot path reads no payloads.
 */
export type ToolUseIdOf = (seq: number) => Promise<string | undefined>;

export type Closing =
  | { kind: "tool"; startedSeq: number; toolName: string; toolUseId: string | undefined; status: "cancelled"; reason: string; closedBy: string }
  | { kind: "permission"; requestSeq: number; toolName: string; status: "allowed" | "denied" | "cancelled"; reason: string; closedBy: string };

interface OpenTool {
  seq: number;
  toolName: string;
  /** Read on demand: undefined until asked, null when the event has none. */
  toolUseId?: string | null;
}

interface OpenPermission {
  seq: number;
  toolName: string;
}

/** Hook events after which nothing of the turn is still running. */
const TURN_ENDS = new Set(["Stop", "StopFailure", "SessionEnd"]);
/** At most this many open calls of each kind are remembered per agent (a producer that never ends its turns). */
const MAX_OPEN = 100;

export class OpenHookCalls {
  private tools: OpenTool[] = [];
  private permissions: OpenPermission[] = [];

  constructor(private readonly toolUseIdOf: ToolUseIdOf) {}

  get openCount(): number {
    return this.tools.length + this.permissions.length;
  }

  async observe(step: HookStep): Promise<Closing[]> {
    const toolName = step.toolName ?? "tool";
    switch (step.hookEventType) {
      case "PreToolUse":
        remember(this.tools, { seq: step.seq, toolName });
        return [];
      case "PermissionRequest":
        remember(this.permissions, { seq: step.seq, toolName });
        return [];
      case "PostToolUse":
      case "PostToolUseFailure": {
        // The tool ran: it closes itself, and a request for it was granted (in the terminal, or by a rule there).
        const sameTool = this.tools.filter((t) => t.toolName === toolName);
        if (sameTool.length > 1) {
          const id = await this.toolUseIdOf(step.seq);
          await this.resolveIds(sameTool);
          this.take(this.tools, (t) => t.toolName === toolName && this.idOf(t) === id);
        } else {
          this.take(this.tools, (t) => t.toolName === toolName);
        }
        const request = this.take(this.permissions, (p) => p.toolName === toolName);
        return request ? [this.closePermission(request, "allowed", "the tool ran", step.hookEventType)] : [];
      }
      case "PermissionDenied": {
        // The hook event is itself the answer; the tool will not run.
        this.take(this.permissions, (p) => p.toolName === toolName);
        const tool = this.take(this.tools, (t) => t.toolName === toolName);
        if (tool) await this.resolveIds([tool]);
        return tool ? [this.closeTool(tool, "permission denied", step.hookEventType)] : [];
      }
      case "PostToolBatch": {
        // Calls of the batch still open never ran (PostToolUse would have closed them): denied or blocked.
        const closings: Closing[] = [];
        if (step.batch?.length) await this.resolveIds(this.tools);
        for (const call of step.batch ?? []) {
          const tool = this.take(this.tools, (t) => this.idOf(t) === call.toolUseId);
          if (!tool) continue;
          const reason = call.response ? `did not run: ${call.response}` : "did not run";
          closings.push(this.closeTool(tool, reason, step.hookEventType));
          const request = this.take(this.permissions, (p) => p.toolName === tool.toolName);
          if (request) closings.push(this.closePermission(request, "denied", "the tool did not run", step.hookEventType));
        }
        return closings;
      }
    }
    if (!TURN_ENDS.has(step.hookEventType)) return [];
    const reason = step.hookEventType === "SessionEnd" ? "the session ended" : "the turn ended";
    const closings: Closing[] = [];
    await this.resolveIds(this.tools);
    for (const tool of this.tools.splice(0)) {
      closings.push(this.closeTool(tool, `${reason} before the tool finished`, step.hookEventType));
      const request = this.take(this.permissions, (p) => p.toolName === tool.toolName);
      if (request) closings.push(this.closePermission(request, "denied", "the tool did not run", step.hookEventType));
    }
    for (const request of this.permissions.splice(0)) closings.push(this.closePermission(request, "cancelled", `${reason} unanswered`, step.hookEventType));
    return closings;
  }

  private take<T>(list: T[], match: (item: T) => boolean): T | undefined {
    const index = list.findIndex(match);
    return index < 0 ? undefined : list.splice(index, 1)[0];
  }

  /** Reads the tool_use ids not read yet (a payload read each, once per tool): idOf() then answers from memory. */
  private async resolveIds(tools: OpenTool[]): Promise<void> {
    for (const tool of tools) if (tool.toolUseId === undefined) tool.toolUseId = (await this.toolUseIdOf(tool.seq)) ?? null;
  }

  private idOf(tool: OpenTool): string | undefined {
    return tool.toolUseId ?? undefined;
  }

  private closeTool(tool: OpenTool, reason: string, closedBy: string): Closing {
    return { kind: "tool", startedSeq: tool.seq, toolName: tool.toolName, toolUseId: this.idOf(tool), status: "cancelled", reason, closedBy };
  }

  private closePermission(request: OpenPermission, status: "allowed" | "denied" | "cancelled", reason: string, closedBy: string): Closing {
    return { kind: "permission", requestSeq: request.seq, toolName: request.toolName, status, reason, closedBy };
  }
}

function remember<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_OPEN) list.shift();
}
