/**
 * What a hook stream leaves open. Claude Code sends PreToolUse and PermissionRequest, but no closing hook for a tool
 * that never ran (denied in `claude -p`, blocked, interrupted): the timeline would show it running forever. This
 * tracker follows one agent's hook events and says which open tool calls and permission requests to close, and how,
 * when the stream shows they are over (a PostToolBatch that lists the call, or the turn's end).
 */

/** The fields of one stored hook event the tracker needs (the payload fields read by the caller). */
export interface HookStep {
  seq: number;
  hookEventType: string;
  toolName: string | null;
  /** PreToolUse, PostToolUse, PostToolUseFailure. */
  toolUseId?: string | undefined;
  /** PostToolBatch: the calls of the batch, with their response text where it is one. */
  batch?: { toolUseId: string; response?: string | undefined }[] | undefined;
}

export type Closing =
  | { kind: "tool"; startedSeq: number; toolName: string; toolUseId: string | undefined; status: "cancelled"; reason: string; closedBy: string }
  | { kind: "permission"; requestSeq: number; toolName: string; status: "allowed" | "denied" | "cancelled"; reason: string; closedBy: string };

interface OpenTool {
  seq: number;
  toolName: string;
  toolUseId: string | undefined;
}

interface OpenPermission {
  seq: number;
  toolName: string;
}

/** Hook events after which nothing of the turn is still running. */
const TURN_ENDS = new Set(["Stop", "StopFailure", "SessionEnd", "UserPromptSubmit"]);

export class OpenHookCalls {
  private tools: OpenTool[] = [];
  private permissions: OpenPermission[] = [];

  get openCount(): number {
    return this.tools.length + this.permissions.length;
  }

  observe(step: HookStep): Closing[] {
    const toolName = step.toolName ?? "tool";
    switch (step.hookEventType) {
      case "PreToolUse":
        this.tools.push({ seq: step.seq, toolName, toolUseId: step.toolUseId });
        return [];
      case "PermissionRequest":
        this.permissions.push({ seq: step.seq, toolName });
        return [];
      case "PostToolUse":
      case "PostToolUseFailure": {
        // The tool ran: it closes itself, and a request for it was granted (in the terminal, or by a rule there).
        this.take(this.tools, (t) => (step.toolUseId ? t.toolUseId === step.toolUseId : t.toolName === toolName));
        const request = this.take(this.permissions, (p) => p.toolName === toolName);
        return request ? [this.closePermission(request, "allowed", "the tool ran", step.hookEventType)] : [];
      }
      case "PermissionDenied": {
        // The hook event is itself the answer; the tool will not run.
        this.take(this.permissions, (p) => p.toolName === toolName);
        const tool = this.take(this.tools, (t) => t.toolName === toolName);
        return tool ? [this.closeTool(tool, "permission denied", step.hookEventType)] : [];
      }
      case "PostToolBatch": {
        // Calls of the batch still open never ran (PostToolUse would have closed them): denied or blocked.
        const closings: Closing[] = [];
        for (const call of step.batch ?? []) {
          const tool = this.take(this.tools, (t) => t.toolUseId === call.toolUseId);
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

  private closeTool(tool: OpenTool, reason: string, closedBy: string): Closing {
    return { kind: "tool", startedSeq: tool.seq, toolName: tool.toolName, toolUseId: tool.toolUseId, status: "cancelled", reason, closedBy };
  }

  private closePermission(request: OpenPermission, status: "allowed" | "denied" | "cancelled", reason: string, closedBy: string): Closing {
    return { kind: "permission", requestSeq: request.seq, toolName: request.toolName, status, reason, closedBy };
  }
}
