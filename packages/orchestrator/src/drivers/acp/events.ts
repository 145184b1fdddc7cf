import { asNumber, asRecord, asString, type JsonRecord as Json } from "@rozet/vocabulary";
import { clip, describeToolInput } from "../../normalize/hook-events.ts";
import type { DriverEvent } from "../../runtime/driver.ts";
import { unifiedDiff } from "../../normalize/diff.ts";

// Maps ACP `session/update` payloads, in arrival order, to normalized DriverEvents. Synchronous on purpose: the
// driver calls it from the notification handler without awaiting anything, so one session's updates can never
// be applied out of order. Every payload keeps the agent's own update(s) under `raw`.


type MessageType = "message.assistant" | "message.thinking";

interface PendingMessage {
  type: MessageType;
  messageId: string | undefined;
  text: string;
  raw: Json[];
}

interface FileEdit {
  oldText: string | null | undefined;
  newText: string;
  /** The agent's diff block, as sent. */
  raw: Json;
}

/** What the driver knows about one tool call (tool_call and tool_call_update are upserts by id). */
export interface ToolState {
  id: string;
  /** ACP `name`, else Claude's `_meta.claudeCode.toolName`. */
  name: string | undefined;
  title: string | undefined;
  kind: string | undefined;
  /** ACP status: pending | in_progress | completed | failed. */
  status: string;
  input: Json;
  locations: unknown;
  /** Latest diff per path; emitted as file.changed only once the tool completed. */
  edits: Map<string, FileEdit>;
  /** Updates seen before tool.started went out (an empty tool_call usually precedes the one with input). */
  early: Json[];
  started: boolean;
  finished: boolean;
  /** The host denied its permission: a failure (or a turn the agent then ends) reads "denied". */
  denied: boolean;
  /** Closed by endTurn() rather than by the agent; a completion may still arrive late. */
  closedByDriver: boolean;
}

export function toolName(tool: ToolState): string {
  return tool.name ?? tool.kind ?? tool.title ?? "tool";
}

const TERMINAL = new Set(["completed", "failed"]);

export class AcpEventMapper {
  /** Set by the driver when it sent session/cancel: failures that follow are cancellations. */
  cancelling = false;
  /** While a session/load replays history, updates describe the past and are not re-emitted. */
  replaying = false;

  private pending: PendingMessage | undefined;
  private readonly tools = new Map<string, ToolState>();
  private lastAssistantText: string | undefined;
  private cumulativeCost: number | undefined;
  private context: { used?: number | undefined; size?: number | undefined } = {};
  private lastUsageUpdate: Json | undefined;
  /** Whether this turn emitted a usage event with cost or tokens. */
  private usageReported = false;

  constructor(
    private readonly emit: (event: DriverEvent) => void,
    private readonly cwd: string,
  ) {}

  beginTurn(): void {
    this.cancelling = false;
    this.usageReported = false;
    this.lastAssistantText = undefined;
    // Tools the driver closed stay known (a few), so a late completion is recognised, not started anew.
    for (const [id, tool] of this.tools) if (!tool.closedByDriver) this.tools.delete(id);
    for (const id of [...this.tools.keys()].slice(0, Math.max(0, this.tools.size - 50))) this.tools.delete(id);
  }

  /** The text of the turn's last assistant message, for TurnResult.result. */
  finalText(): string | undefined {
    this.flush();
    return this.lastAssistantText;
  }

  handle(update: Json): void {
    if (this.replaying) return;
    const kind = update.sessionUpdate;
    switch (kind) {
      case "agent_message_chunk":
        return this.chunk("message.assistant", update);
      case "agent_thought_chunk":
        return this.chunk("message.thinking", update);
      case "user_message_chunk":
        return; // our own prompt echoed back, or history replay
      case "tool_call":
      case "tool_call_update":
        this.flush();
        this.upsertTool(update);
        return;
      case "plan":
        this.flush();
        return this.plan(update);
      case "usage_update":
        return this.usage(update);
      case "current_mode_update":
        return this.emit({
          type: "agent.notice",
          summary: `mode: ${asString(update.currentModeId) ?? "?"}`,
          payload: { kind: "mode", modeId: update.currentModeId, raw: update },
        });
      case "notice":
        return this.emit({
          type: "agent.notice",
          summary: clip(asString(update.message) ?? asString(update.text) ?? "notice"),
          status: asString(update.severity),
          payload: { kind: "notice", raw: update },
        });
      default:
        // available_commands_update, config_option_update, session_info_update, compaction …: not timeline events.
        return;
    }
  }

  /** A permission request names a tool call, sometimes one never announced (Gemini): upsert and start it. */
  toolFromPermission(toolCall: Json): ToolState {
    this.flush();
    const tool = this.upsertTool(toolCall);
    this.start(tool, toolCall);
    return tool;
  }

  markDenied(tool: ToolState): void {
    tool.denied = true;
  }

  /** Turn over: flush the message, close tool calls the agent left open, report context fill if nothing else. */
  endTurn(status: "completed" | "failed" | "cancelled"): void {
    this.flush();
    for (const tool of this.tools.values()) {
      if (tool.finished) continue;
      this.start(tool, undefined);
      tool.finished = true;
      tool.closedByDriver = true;
      // "incomplete": the turn ended normally while the agent still reported the tool running (Codex can leave
      // a slow command running in a background session); a late completion then comes as tool.updated.
      const closed = tool.denied ? "denied" : status === "cancelled" ? "cancelled" : status === "completed" ? "incomplete" : "error";
      this.emit({
        type: "tool.finished",
        toolName: toolName(tool),
        status: closed,
        summary: `${toolName(tool)} ${closed === "error" ? "did not finish" : closed}`,
        payload: { toolCallId: tool.id, acpStatus: tool.status, reason: tool.denied ? "permission denied" : `turn ${status}`, raw: null },
      });
    }
    if (!this.usageReported && this.context.used !== undefined) {
      // Agents without cost or token counts (Codex) still say how full the context is.
      this.emit({
        type: "usage",
        summary: `context ${this.context.used}/${this.context.size ?? "?"} tokens`,
        payload: { source: "context", contextUsed: this.context.used, contextSize: this.context.size, raw: this.lastUsageUpdate ?? null },
      });
    }
  }

  /** Token counts from the session/prompt response (`usage` is an unstable ACP field; Gemini uses `_meta.quota`). */
  promptUsage(response: Json): void {
    const usage = asRecord(response.usage);
    const tokenCount = asRecord(asRecord(asRecord(response._meta)?.quota)?.token_count);
    const inputTokens = asNumber(usage?.inputTokens) ?? asNumber(tokenCount?.input_tokens);
    const outputTokens = asNumber(usage?.outputTokens) ?? asNumber(tokenCount?.output_tokens);
    if (inputTokens === undefined && outputTokens === undefined) return;
    this.usageReported = true;
    this.emit({
      type: "usage",
      summary: `${inputTokens ?? 0} in / ${outputTokens ?? 0} out tokens`,
      inputTokens,
      outputTokens,
      payload: {
        source: "prompt_response",
        usage: usage ?? tokenCount,
        contextUsed: this.context.used,
        contextSize: this.context.size,
        raw: { usage: response.usage, _meta: response._meta },
      },
    });
  }

  private chunk(type: MessageType, update: Json): void {
    const content = asRecord(update.content);
    const messageId = asString(update.messageId);
    if (this.pending && (this.pending.type !== type || (messageId && this.pending.messageId && messageId !== this.pending.messageId))) {
      this.flush();
    }
    this.pending ??= { type, messageId, text: "", raw: [] };
    this.pending.messageId ??= messageId;
    if (content?.type === "text" && typeof content.text === "string") this.pending.text += content.text;
    this.pending.raw.push(update);
  }

  private flush(): void {
    const message = this.pending;
    this.pending = undefined;
    if (!message || message.text.trim() === "") return;
    if (message.type === "message.assistant") this.lastAssistantText = message.text;
    this.emit({
      type: message.type,
      summary: clip(message.text),
      payload: { text: message.text, messageId: message.messageId, chunks: message.raw.length, raw: message.raw },
    });
  }

  private upsertTool(update: Json): ToolState {
    const id = asString(update.toolCallId) ?? "unknown";
    let tool = this.tools.get(id);
    if (!tool) {
      tool = {
        id,
        name: undefined,
        title: undefined,
        kind: undefined,
        status: "pending",
        input: {},
        locations: undefined,
        edits: new Map(),
        early: [],
        started: false,
        finished: false,
        denied: false,
        closedByDriver: false,
      };
      this.tools.set(id, tool);
    }
    const claudeMeta = asRecord(asRecord(update._meta)?.claudeCode);
    tool.name = asString(update.name) ?? asString(claudeMeta?.toolName) ?? tool.name;
    tool.title = asString(update.title) ?? tool.title;
    tool.kind = asString(update.kind) ?? tool.kind;
    const input = asRecord(update.rawInput);
    if (input && Object.keys(input).length > 0) tool.input = input;
    if (Array.isArray(update.locations)) tool.locations = update.locations;
    if (Array.isArray(update.content)) {
      for (const item of update.content) {
        const block = asRecord(item);
        if (block?.type !== "diff" || typeof block.path !== "string" || typeof block.newText !== "string") continue;
        const oldText = typeof block.oldText === "string" ? block.oldText : null;
        tool.edits.set(block.path, { oldText, newText: block.newText, raw: block });
      }
    }
    const status = asString(update.status);
    const previous = tool.status;
    if (status) tool.status = status;

    if (update.sessionUpdate === undefined) return tool; // from a permission request: the caller starts it
    if (!tool.started && (Object.keys(tool.input).length > 0 || tool.status !== "pending")) this.start(tool, update);
    else if (!tool.started) tool.early.push(update);

    if (TERMINAL.has(tool.status) && !tool.finished) this.finish(tool, update);
    else if (TERMINAL.has(tool.status) && tool.closedByDriver && status && status !== previous) this.lateFinish(tool, update);
    else if (tool.started && status && status !== previous) {
      this.emit({
        type: "tool.updated",
        toolName: toolName(tool),
        status,
        summary: `${toolName(tool)}: ${status}`,
        payload: { toolCallId: id, acpStatus: status, raw: update },
      });
    }
    return tool;
  }

  private start(tool: ToolState, update: Json | undefined): void {
    if (tool.started) return;
    tool.started = true;
    const name = toolName(tool);
    const raw = update ? [...tool.early, update] : tool.early;
    tool.early = [];
    this.emit({
      type: "tool.started",
      toolName: name,
      filePath: this.firstPath(tool),
      summary: this.describe(tool),
      payload: { toolCallId: tool.id, kind: tool.kind, title: tool.title, input: tool.input, locations: tool.locations, raw },
    });
  }

  private finish(tool: ToolState, update: Json): void {
    tool.finished = true;
    const ok = tool.status === "completed";
    const status = ok ? "ok" : tool.denied ? "denied" : this.cancelling ? "cancelled" : "error";
    const name = toolName(tool);
    this.emit({
      type: "tool.finished",
      toolName: name,
      filePath: this.firstPath(tool),
      status,
      summary: `${name} ${status}${tool.title ? `: ${clip(tool.title, 200)}` : ""}`,
      payload: { toolCallId: tool.id, kind: tool.kind, title: tool.title, acpStatus: tool.status, raw: update },
    });
    if (ok) this.fileChanges(tool);
  }

  /** The agent finished a tool after its turn ended (and endTurn closed it): one update, never a second finish. */
  private lateFinish(tool: ToolState, update: Json): void {
    const ok = tool.status === "completed";
    this.emit({
      type: "tool.updated",
      toolName: toolName(tool),
      status: ok ? "ok" : "error",
      summary: `${toolName(tool)} finished after its turn: ${ok ? "ok" : "error"}`,
      payload: { toolCallId: tool.id, acpStatus: tool.status, late: true, raw: update },
    });
    if (ok) this.fileChanges(tool);
  }

  private fileChanges(tool: ToolState): void {
    const name = toolName(tool);
    for (const [path, edit] of tool.edits) {
      // The same diff (and size guard) as Claude's file changes, so the web reads one shape.
      const change = unifiedDiff(path, { originalFile: edit.oldText ?? null, content: edit.newText });
      const verb = change.kind === "create" ? "created" : "updated";
      this.emit({
        type: "file.changed",
        toolName: name,
        filePath: path,
        summary: clip(`${verb} ${path} (+${change.added} −${change.removed})`),
        // A summarized diff drops the texts from `raw` too, or the size guard would be moot.
        payload: { toolCallId: tool.id, ...change, raw: change.summarized ? { type: "diff", path, omitted: true } : edit.raw },
      });
    }
  }

  /** "Write: /abs/file" from the input where it says what the tool does, else the agent's title. */
  private describe(tool: ToolState): string {
    const name = toolName(tool);
    const described = Object.keys(tool.input).length > 0 ? describeToolInput(name, tool.input) : name;
    return clip(described === name && tool.title && tool.title !== name ? `${name}: ${tool.title}` : described);
  }

  private firstPath(tool: ToolState): string | undefined {
    const fromEdit = tool.edits.keys().next().value;
    if (fromEdit) return fromEdit;
    const location = Array.isArray(tool.locations) ? asRecord(tool.locations[0]) : undefined;
    return asString(location?.path) ?? asString(tool.input.file_path) ?? asString(tool.input.path);
  }

  private plan(update: Json): void {
    const entries = Array.isArray(update.entries) ? update.entries.map((entry) => asRecord(entry) ?? {}) : [];
    const done = entries.filter((entry) => entry.status === "completed").length;
    const current = entries.find((entry) => entry.status === "in_progress");
    this.emit({
      type: "agent.plan",
      summary: `plan ${done}/${entries.length} done${current ? `: ${clip(asString(current.content) ?? "", 200)}` : ""}`,
      payload: { entries, raw: update },
    });
  }

  private usage(update: Json): void {
    this.context = { used: asNumber(update.used) ?? this.context.used, size: asNumber(update.size) ?? this.context.size };
    this.lastUsageUpdate = update;
    const cost = asRecord(update.cost);
    const amount = asNumber(cost?.amount);
    if (amount === undefined) return; // context fill only: kept for the turn's usage event
    const previous = this.cumulativeCost ?? 0;
    this.cumulativeCost = amount;
    const delta = amount - previous;
    if (delta <= 0) return;
    const usd = asString(cost?.currency)?.toUpperCase() === "USD";
    this.usageReported = true;
    this.emit({
      type: "usage",
      summary: usd ? `+$${delta.toFixed(4)} (session $${amount.toFixed(4)})` : `+${delta} ${asString(cost?.currency) ?? ""}`.trim(),
      costUsd: usd ? delta : undefined,
      payload: {
        source: "usage_update",
        cumulative: amount,
        currency: cost?.currency,
        delta,
        contextUsed: this.context.used,
        contextSize: this.context.size,
        raw: update,
      },
    });
  }
}
