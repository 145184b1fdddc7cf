/**
 * Claude Code stream-json (and Agent SDK) messages → normalized DriverEvents (docs/events.md).
 *
 * One normalizer per agent process: it remembers what the stream itself does not repeat (tool start times and
 * names, the cumulative cost at the previous `result`, the synthetic API-error text that precedes a failed
 * `result`). It never throws: unknown or malformed input yields no events.
 */
import type { StructuredPatchHunk } from "diff";
import { asList, asNumber, asRecord, asString, asStrings, catalogueEvent, type EventPayload, type EventType, type IndexedFields } from "@rozet/vocabulary";
import type { DriverEvent, TurnResult } from "../runtime/driver.ts";
import { summarizedChange, unifiedDiff, type FileChangeKind, type FileDiff } from "./diff.ts";
import { clip, describeToolInput } from "./hook-events.ts";

type Json = Record<string, unknown>;

/** Raw messages above this are stored as a marker, not verbatim (a Write of a large file repeats it twice). */
export const MAX_RAW_BYTES = 64 * 1024;
/** Tool output kept on `tool.finished`; the full output stays in the agent's own transcript. */
export const MAX_TOOL_OUTPUT_BYTES = 8 * 1024;
const MAX_TEXT_BYTES = 64 * 1024;

/** Tools whose successful result is a file change with a structured patch. */
const FILE_TOOLS = new Set(["Write", "Edit", "MultiEdit", "NotebookEdit"]);
const ABORTED_REASONS = new Set(["aborted_streaming", "aborted_tools"]);
/** Claude Code's user-line marker after an interrupt ("[Request interrupted by user]" / "… for tool use]"). */
const INTERRUPT_MARKER = "[Request interrupted by user";
/** `tool_use_result` of a tool stopped by an interrupt (or a deny with `interrupt: true`). */
const USER_REJECTED = "User rejected tool use";

export interface ClaudeMessageNormalizerOptions {
  /** Clock for tool durations (stream lines carry no timestamps on tool_use). */
  now?: () => number;
  /**
   * `total_cost_usd` already counted for this session. Claude carries the cumulative total over on `--resume`,
   * so a driver that resumes passes the last total it recorded; otherwise the first delta would repeat it.
   */
  costBaselineUsd?: number;
}

interface OpenTool {
  name: string;
  input: Json;
  startedAt: number;
}

/** What one turn told us before its `result` arrived. */
interface TurnFacts {
  apiErrorCategory?: string | undefined;
  apiErrorText?: string | undefined;
  interruptSeen: boolean;
}

/** Fields shared by the events of one message: where it came from and its raw form. */
interface Origin {
  raw: unknown;
  parentToolUseId?: string | undefined;
}


function clipBytes(text: string, max: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text);
  if (bytes.length <= max) return { text, truncated: false };
  // A cut inside a multi-byte character decodes to U+FFFD; drop that half character.
  return { text: bytes.subarray(0, max).toString("utf8").replace(/\uFFFD$/, ""), truncated: true };
}

/** The value itself, or a marker saying it was too large to keep (with enough to find it in the transcript). */
function bounded(value: Json, max: number): unknown {
  const json = JSON.stringify(value);
  const bytes = Buffer.byteLength(json);
  if (bytes <= max) return value;
  const ids = Object.fromEntries(["type", "subtype", "uuid", "session_id"].filter((k) => typeof value[k] === "string").map((k) => [k, value[k]]));
  return { clipped: true, reason: `${bytes} bytes (limit ${max})`, ...ids, head: json.slice(0, 2048) };
}

/** A tool_result's content as text: a string, or text blocks joined (images as placeholders). */
function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  return asList(content)
    .map((block) => {
      const b = asRecord(block);
      if (!b) return "";
      return b.type === "text" ? (asString(b.text) ?? "") : `[${asString(b.type) ?? "block"}]`;
    })
    .filter(Boolean)
    .join("\n");
}

function toolFilePath(input: Json): string | undefined {
  return asString(input.file_path) ?? asString(input.notebook_path);
}

/** Claude's `structuredPatch`, if it has the expected shape. */
function hunksOf(value: unknown): StructuredPatchHunk[] | undefined {
  const hunks: StructuredPatchHunk[] = [];
  for (const item of asList(value)) {
    const h = asRecord(item);
    const lines = h ? asList(h.lines) : [];
    if (!h || !lines.every((line) => typeof line === "string")) return undefined;
    const [oldStart, oldLines, newStart, newLines] = [asNumber(h.oldStart), asNumber(h.oldLines), asNumber(h.newStart), asNumber(h.newLines)];
    if (oldStart === undefined || oldLines === undefined || newStart === undefined || newLines === undefined) return undefined;
    hunks.push({ oldStart, oldLines, newStart, newLines, lines });
  }
  return hunks;
}

/** Float noise from subtracting cumulative totals (0.005 − 0.003 = 0.0020000000000000005). */
function roundUsd(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}

// ---------- turn outcome ----------

interface Classified {
  outcome: TurnResult;
  type: "turn.finished" | "agent.failed" | "agent.interrupted";
  status: "ok" | "error" | "cancelled";
  summary: string;
  kind: string;
}

function failureSummary(result: Json, turn: TurnFacts): { kind: string; summary: string } {
  const subtype = asString(result.subtype) ?? "unknown";
  const errors = asStrings(result.errors);
  const httpStatus = asNumber(result.api_error_status);
  if (httpStatus !== undefined || turn.apiErrorCategory) {
    const detail = turn.apiErrorText ?? asString(result.result);
    const head = `API error${httpStatus === undefined ? "" : ` ${httpStatus}`}: ${turn.apiErrorCategory ?? "unknown"}`;
    return { kind: "api_error", summary: detail ? `${head} — ${detail}` : head };
  }
  const detail = errors.join("; ") || asString(result.result) || "no detail";
  switch (subtype) {
    case "error_max_turns":
      return { kind: "max_turns", summary: `max turns reached: ${detail}` };
    case "error_max_budget_usd":
      return { kind: "max_budget", summary: `budget limit reached: ${detail}` };
    case "error_max_structured_output_retries":
      return { kind: "structured_output", summary: `structured output retries exhausted: ${detail}` };
    case "error_during_execution":
      return { kind: "execution_error", summary: `execution error: ${detail}` };
    default:
      return { kind: "error", summary: `turn failed (${subtype}): ${detail}` };
  }
}

function classifyResult(result: Json, turn: TurnFacts): Classified {
  const subtype = asString(result.subtype);
  const terminalReason = asString(result.terminal_reason);
  const text = typeof result.result === "string" ? result.result : undefined;
  const aborted = terminalReason !== undefined && ABORTED_REASONS.has(terminalReason);
  if (aborted || (subtype === "error_during_execution" && turn.interruptSeen)) {
    const summary = terminalReason === "aborted_tools" ? "interrupted during a tool call" : "interrupted";
    return { type: "agent.interrupted", status: "cancelled", summary, kind: "interrupted", outcome: { status: "cancelled", error: summary } };
  }
  if (result.is_error !== true && subtype === "success") {
    const summary = text ? clip(text) : terminalReason === "hook_stopped" ? "stopped by a hook" : "turn finished";
    return { type: "turn.finished", status: "ok", summary, kind: "completed", outcome: { status: "completed", result: text ?? "" } };
  }
  const { kind, summary } = failureSummary(result, turn);
  const clipped = clip(summary);
  return { type: "agent.failed", status: "error", summary: clipped, kind, outcome: { status: "failed", result: text, error: clipped } };
}

// ---------- the normalizer ----------

export class ClaudeMessageNormalizer {
  private readonly now: () => number;
  private started = false;
  private knownSessionId: string | undefined;
  private lastTotalCostUsd: number;
  private readonly openTools = new Map<string, OpenTool>();
  /** task_id → whether it is a subagent (task_notification does not repeat the task type). */
  private readonly agentTasks = new Map<string, boolean>();
  private turn: TurnFacts = { interruptSeen: false };
  private lastResult: { message: unknown; outcome: TurnResult } | undefined;
  /** Tokens (input + output) of each model call of the running turn, by message id, as they stream. */
  private readonly streamedUsage = new Map<string, number>();

  constructor(options: ClaudeMessageNormalizerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.lastTotalCostUsd = options.costBaselineUsd ?? 0;
  }

  /** Claude's session id, once the first `system/init` has been seen. */
  get sessionId(): string | undefined {
    return this.knownSessionId;
  }

  /**
   * Tokens the running turn has used so far, from each assistant message's usage as it streams (Claude repeats a
   * call's usage on every block of it, so each message id counts once, at its highest). The turn's `usage` event
   * still carries the final count; this running total only lets budgets act before the turn ends.
   */
  get turnTokensSoFar(): number {
    let total = 0;
    for (const tokens of this.streamedUsage.values()) total += tokens;
    return total;
  }

  /** The driver sent an interrupt: an `error_during_execution` result of this turn then means "cancelled". */
  noteInterruptSent(): void {
    this.turn.interruptSeen = true;
  }

  /** Zero or more events for one stdout message. Never throws. */
  normalize(message: unknown): DriverEvent[] {
    try {
      const msg = asRecord(message);
      return msg ? this.dispatch(msg) : [];
    } catch {
      return [];
    }
  }

  /** How the turn that `resultMessage` ends should resolve `prompt()`. */
  turnOutcome(resultMessage: unknown): TurnResult {
    if (this.lastResult && this.lastResult.message === resultMessage) return this.lastResult.outcome;
    const msg = asRecord(resultMessage);
    if (!msg || msg.type !== "result") return { status: "failed", error: "not a result message" };
    return classifyResult(msg, this.turn).outcome;
  }

  private dispatch(msg: Json): DriverEvent[] {
    const origin: Origin = { raw: bounded(msg, MAX_RAW_BYTES), parentToolUseId: asString(msg.parent_tool_use_id) };
    switch (msg.type) {
      case "system":
        return this.onSystem(msg, origin);
      case "assistant":
        return this.onAssistant(msg, origin);
      case "user":
        return this.onUser(msg, origin);
      case "result":
        return this.onResult(msg, origin);
      default:
        // control_request/response/cancel (the driver handles those), stream_event, keep_alive, unknown types.
        return [];
    }
  }

  private event<T extends EventType>(type: T, origin: Origin, fields: IndexedFields, payload: EventPayload<T>): DriverEvent {
    const parent = origin.parentToolUseId ? { parentToolUseId: origin.parentToolUseId } : {};
    return catalogueEvent(type, { ...payload, ...parent, raw: origin.raw }, fields);
  }

  // ----- system/* -----

  private onSystem(msg: Json, origin: Origin): DriverEvent[] {
    switch (msg.subtype) {
      case "init":
        return this.onInit(msg, origin);
      case "api_retry":
        return [this.retrying(msg, origin)];
      case "status":
        return msg.status === "compacting" ? [this.event("context.compacting", origin, { summary: "compacting context" }, {})] : [];
      case "compact_boundary":
        return [this.compacted(msg, origin)];
      case "task_started":
        return this.taskStarted(msg, origin);
      case "task_notification":
        return this.taskFinished(msg, origin);
      case "hook_response":
        return msg.outcome === "error" ? [this.hookFailed(msg, origin)] : [];
      case "informational": {
        const content = asString(msg.content) ?? "";
        return [this.event("agent.notice", origin, { summary: clip(content) }, { level: asString(msg.level), preventContinuation: typeof msg.prevent_continuation === "boolean" ? msg.prevent_continuation : undefined, content })];
      }
      case "notification": {
        const text = asString(msg.text) ?? "";
        return [this.event("agent.notice", origin, { summary: clip(text) }, { key: asString(msg.key), priority: msg.priority, text })];
      }
      default:
        return [];
    }
  }

  /** The first init starts the session; later ones only mark a new turn of the same session (no event). */
  private onInit(msg: Json, origin: Origin): DriverEvent[] {
    const sessionId = asString(msg.session_id);
    if (this.started && (sessionId === undefined || sessionId === this.knownSessionId)) return [];
    this.started = true;
    this.knownSessionId = sessionId;
    const model = asString(msg.model);
    const cwd = asString(msg.cwd);
    const summary = [model, cwd].filter(Boolean).join(" · ") || "session started";
    return [
      this.event("session.started", origin, { summary: clip(summary) }, {
        sessionId,
        model,
        cwd,
        toolCount: asList(msg.tools).length,
        permissionMode: asString(msg.permissionMode),
        claudeCodeVersion: asString(msg.claude_code_version),
      }),
    ];
  }

  private retrying(msg: Json, origin: Origin): DriverEvent {
    const attempt = asNumber(msg.attempt);
    const maxRetries = asNumber(msg.max_retries);
    const delayMs = asNumber(msg.retry_delay_ms);
    const httpStatus = asNumber(msg.error_status);
    const error = asString(msg.error);
    const cause = [httpStatus, error].filter((part) => part !== undefined).join(" ") || "an API error";
    const delay = delayMs === undefined ? "" : `, ${(delayMs / 1000).toFixed(1)} s`;
    const summary = `retrying after ${cause} (attempt ${attempt ?? "?"}/${maxRetries ?? "?"}${delay})`;
    return this.event("agent.retrying", origin, { summary }, {
      attempt,
      maxRetries,
      delayMs: delayMs === undefined ? undefined : Math.round(delayMs),
      httpStatus,
      error,
    });
  }

  private compacted(msg: Json, origin: Origin): DriverEvent {
    const meta = asRecord(msg.compact_metadata) ?? {};
    const trigger = asString(meta.trigger);
    const preTokens = asNumber(meta.pre_tokens);
    const postTokens = asNumber(meta.post_tokens);
    const sizes = preTokens !== undefined && postTokens !== undefined ? `: ${preTokens} → ${postTokens} tokens` : "";
    return this.event("context.compacted", origin, { summary: `context compacted${trigger ? ` (${trigger})` : ""}${sizes}` }, {
      trigger,
      preTokens,
      postTokens,
    });
  }

  private taskStarted(msg: Json, origin: Origin): DriverEvent[] {
    const taskId = asString(msg.task_id);
    // Long foreground Bash commands are tasks too (task_type local_bash); their tool events already cover them.
    const isAgent = msg.task_type === "local_agent" || asString(msg.subagent_type) !== undefined;
    if (taskId) this.agentTasks.set(taskId, isAgent);
    if (!isAgent) return [];
    const description = asString(msg.description);
    const subagentType = asString(msg.subagent_type);
    const summary = [subagentType, description].filter(Boolean).join(": ") || "subagent started";
    return [
      this.event("subagent.started", origin, { summary: clip(summary), toolName: "Agent" }, {
        taskId,
        toolUseId: asString(msg.tool_use_id),
        description,
        subagentType,
        prompt: asString(msg.prompt) ? clipBytes(asString(msg.prompt)!, MAX_TOOL_OUTPUT_BYTES).text : undefined,
      }),
    ];
  }

  private taskFinished(msg: Json, origin: Origin): DriverEvent[] {
    const taskId = asString(msg.task_id);
    if (taskId && this.agentTasks.get(taskId) === false) return [];
    if (taskId) this.agentTasks.delete(taskId);
    const taskStatus = asString(msg.status);
    const status = taskStatus === "completed" ? "ok" : taskStatus === "stopped" ? "cancelled" : taskStatus ? "error" : undefined;
    const summary = `${asString(msg.summary) ?? "subagent"} (${taskStatus ?? "finished"})`;
    return [
      this.event("subagent.finished", origin, { summary: clip(summary), toolName: "Agent", status }, {
        taskId,
        toolUseId: asString(msg.tool_use_id),
        taskStatus,
        usage: asRecord(msg.usage),
      }),
    ];
  }

  private hookFailed(msg: Json, origin: Origin): DriverEvent {
    const hookName = asString(msg.hook_name) ?? asString(msg.hook_event) ?? "hook";
    const exitCode = asNumber(msg.exit_code);
    const stderr = clipBytes(typeof msg.stderr === "string" ? msg.stderr : "", MAX_TOOL_OUTPUT_BYTES).text;
    const stdout = clipBytes(typeof msg.stdout === "string" ? msg.stdout : "", MAX_TOOL_OUTPUT_BYTES).text;
    const detail = stderr.trim() || stdout.trim();
    const summary = `${hookName} hook failed${exitCode === undefined ? "" : ` (exit ${exitCode})`}${detail ? `: ${detail}` : ""}`;
    return this.event("hook.failed", origin, { summary: clip(summary), status: "error" }, {
      hookId: asString(msg.hook_id),
      hookName,
      hookEvent: asString(msg.hook_event),
      exitCode,
      stdout,
      stderr,
    });
  }

  // ----- assistant -----

  private onAssistant(msg: Json, origin: Origin): DriverEvent[] {
    const message = asRecord(msg.message) ?? {};
    const blocks = asList(message.content).map(asRecord).filter((b): b is Json => b !== undefined);
    if (asString(msg.error)) {
      // The synthetic "<synthetic>" message of an API failure: its text becomes the agent.failed summary.
      this.turn.apiErrorCategory = asString(msg.error);
      this.turn.apiErrorText = blocks.map((b) => asString(b.text)).filter(Boolean).join("\n") || undefined;
      return [];
    }
    const context = { messageId: asString(message.id), model: asString(message.model) };
    this.noteStreamedUsage(context.messageId, asRecord(message.usage));
    return blocks.flatMap((block) => this.assistantBlock(block, context, origin));
  }

  private noteStreamedUsage(messageId: string | undefined, usage: Json | undefined): void {
    if (!messageId || !usage) return;
    const tokens = (asNumber(usage.input_tokens) ?? 0) + (asNumber(usage.output_tokens) ?? 0);
    this.streamedUsage.set(messageId, Math.max(tokens, this.streamedUsage.get(messageId) ?? 0));
  }

  private assistantBlock(block: Json, context: Json, origin: Origin): DriverEvent[] {
    switch (block.type) {
      case "text": {
        const text = asString(block.text);
        if (!text?.trim()) return [];
        const kept = clipBytes(text, MAX_TEXT_BYTES);
        return [this.event("message.assistant", origin, { summary: clip(text) }, { ...context, text: kept.text, truncated: kept.truncated })];
      }
      case "thinking":
      case "redacted_thinking": {
        const text = asString(block.thinking) ?? "";
        const kept = clipBytes(text, MAX_TEXT_BYTES);
        const summary = text ? clip(text) : "(redacted thinking)";
        return [this.event("message.thinking", origin, { summary }, { ...context, text: kept.text, truncated: kept.truncated })];
      }
      case "tool_use":
        return this.toolStarted(block, context, origin);
      default:
        return [];
    }
  }

  private toolStarted(block: Json, context: { messageId?: string | undefined }, origin: Origin): DriverEvent[] {
    const toolUseId = asString(block.id);
    const name = asString(block.name) ?? "tool";
    const input = asRecord(block.input) ?? {};
    if (toolUseId) this.openTools.set(toolUseId, { name, input, startedAt: this.now() });
    return [
      this.event("tool.started", origin, { toolName: name, filePath: toolFilePath(input), summary: clip(describeToolInput(name, input)) }, {
        toolUseId,
        input: bounded(input, MAX_RAW_BYTES),
        messageId: context.messageId,
      }),
    ];
  }

  // ----- user -----

  private onUser(msg: Json, origin: Origin): DriverEvent[] {
    const message = asRecord(msg.message) ?? {};
    const content = typeof message.content === "string" ? [{ type: "text", text: message.content }] : asList(message.content);
    const blocks = content.map(asRecord).filter((b): b is Json => b !== undefined);
    // Replays, subagent prompts and interrupt markers produce no event (the driver records the prompts it sends).
    if (blocks.some((b) => b.type === "text" && asString(b.text)?.startsWith(INTERRUPT_MARKER))) this.turn.interruptSeen = true;
    const results = blocks.filter((b) => b.type === "tool_result");
    // `tool_use_result` belongs to the line, so it is only unambiguous when the line carries one result.
    const structured = results.length === 1 ? msg.tool_use_result : undefined;
    return results.flatMap((block) => this.toolFinished(block, structured, origin));
  }

  private toolFinished(block: Json, structured: unknown, origin: Origin): DriverEvent[] {
    const toolUseId = asString(block.tool_use_id);
    const open = toolUseId ? this.openTools.get(toolUseId) : undefined;
    if (toolUseId) this.openTools.delete(toolUseId);
    const isError = block.is_error === true;
    const cancelled = isError && structured === USER_REJECTED;
    const output = clipBytes(resultText(block.content), MAX_TOOL_OUTPUT_BYTES);
    const toolName = open?.name;
    const filePath = open ? toolFilePath(open.input) : undefined;
    const described = open ? describeToolInput(open.name, open.input) : "tool finished";
    const summary = cancelled
      ? `${described} (cancelled by the user)`
      : isError
        ? `${toolName ?? "tool"} failed: ${output.text || "no output"}`
        : described;
    const status = cancelled ? "cancelled" : isError ? "error" : "ok";
    const events = [
      this.event("tool.finished", origin, { toolName, filePath, status, summary: clip(summary) }, {
        toolUseId,
        durationMs: open ? this.now() - open.startedAt : undefined,
        output: output.text,
        truncated: output.truncated,
      }),
    ];
    // Without the tool_use (normalizer created mid-turn) a result with a patch still reads as a file change.
    const changesFiles = toolName ? FILE_TOOLS.has(toolName) : Array.isArray(asRecord(structured)?.structuredPatch);
    if (!isError && changesFiles) {
      const change = this.fileChange(structured, filePath);
      if (change) {
        const verb = change.kind === "create" ? "created" : "updated";
        events.push(
          this.event("file.changed", origin, { toolName, filePath: change.path, summary: clip(`${verb} ${change.path} (+${change.added} −${change.removed})`) }, {
            toolUseId,
            ...change,
          }),
        );
      }
    }
    return events;
  }

  /** The diff of a Write/Edit/MultiEdit/NotebookEdit result, from Claude's `tool_use_result`. */
  private fileChange(structuredValue: unknown, inputPath: string | undefined): FileDiff | undefined {
    const structured = asRecord(structuredValue) ?? {};
    const path = asString(structured.filePath) ?? asString(structured.notebook_path) ?? inputPath;
    if (!path) return undefined;
    const kind: FileChangeKind =
      structured.type === "create" || structured.type === "update"
        ? structured.type
        : structured.originalFile === null
          ? "create"
          : "update";
    const hunks = hunksOf(structured.structuredPatch);
    if (hunks && hunks.length > 0) return unifiedDiff(path, hunks, kind);
    if (typeof structured.content === "string") {
      const originalFile = typeof structured.originalFile === "string" ? structured.originalFile : null;
      return unifiedDiff(path, { originalFile, content: structured.content }, kind);
    }
    return summarizedChange(path, kind, "the tool result carries no diff");
  }

  // ----- result -----

  private onResult(msg: Json, origin: Origin): DriverEvent[] {
    const events = this.closeOpenTools(origin);
    events.push(this.usage(msg, origin));
    const classified = classifyResult(msg, this.turn);
    events.push(
      this.event(classified.type, origin, { summary: classified.summary, status: classified.status }, {
        kind: classified.kind,
        subtype: asString(msg.subtype),
        terminalReason: asString(msg.terminal_reason),
        stopReason: asString(msg.stop_reason),
        apiErrorStatus: asNumber(msg.api_error_status),
        errorCategory: this.turn.apiErrorCategory,
        errors: asStrings(msg.errors),
        result: typeof msg.result === "string" ? clipBytes(msg.result, MAX_TEXT_BYTES).text : undefined,
        permissionDenials: asList(msg.permission_denials),
      }),
    );
    this.lastResult = { message: msg, outcome: classified.outcome };
    this.turn = { interruptSeen: false };
    this.streamedUsage.clear();
    return events;
  }

  /** Tools still open when the turn ends never ran to a result (budget hit, crash-free abort): close them. */
  private closeOpenTools(origin: Origin): DriverEvent[] {
    const events = [...this.openTools].map(([toolUseId, open]) =>
      this.event("tool.finished", origin, {
        toolName: open.name,
        filePath: toolFilePath(open.input),
        status: "cancelled",
        summary: clip(`${describeToolInput(open.name, open.input)} (no result: the turn ended)`),
      }, { toolUseId, durationMs: this.now() - open.startedAt, reason: "the turn ended before the tool returned a result" }),
    );
    this.openTools.clear();
    return events;
  }

  /** This turn's tokens (result.usage is per turn) and cost (total_cost_usd is per process, so take the delta). */
  private usage(msg: Json, origin: Origin): DriverEvent {
    const usage = asRecord(msg.usage) ?? {};
    const total = asNumber(msg.total_cost_usd);
    let costUsd: number | undefined;
    if (total !== undefined) {
      // A total below the last one means the counter restarted (new process or session): the total is the delta.
      costUsd = roundUsd(total >= this.lastTotalCostUsd ? total - this.lastTotalCostUsd : total);
      this.lastTotalCostUsd = total;
    }
    const inputTokens = asNumber(usage.input_tokens);
    const outputTokens = asNumber(usage.output_tokens);
    const summary = `${inputTokens ?? 0} in · ${outputTokens ?? 0} out · $${(costUsd ?? 0).toFixed(4)}`;
    return this.event("usage", origin, { summary, inputTokens, outputTokens, costUsd }, {
      cacheReadInputTokens: asNumber(usage.cache_read_input_tokens),
      cacheCreationInputTokens: asNumber(usage.cache_creation_input_tokens),
      totalCostUsd: total,
      numTurns: asNumber(msg.num_turns),
      durationMs: asNumber(msg.duration_ms),
      durationApiMs: asNumber(msg.duration_api_ms),
      modelUsage: asRecord(msg.modelUsage),
    });
  }
}
