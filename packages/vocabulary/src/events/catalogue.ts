/**
 * The one catalogue of normalized event types (docs/events.md §2): one zod schema per `type` for the payload,
 * plus the outcome statuses the type allows. Producers (drivers, normalizers, the runtime) build events typed
 * by it; readers (the web's inspector and diff view) narrow stored payloads with the same schemas; a contract
 * test keeps docs/events.md and this file in step. No Node imports: the web imports it too.
 *
 * Payload fields are mostly optional: the same type comes from several producers (Claude, ACP, shell, hooks),
 * each knowing a part. Every payload may carry `raw` (the agent's own message) and `parentToolUseId` (an event
 * from inside a subagent).
 */
import { z } from "zod";

const common = {
  /** The vendor's own message (hook payload, stream-json line, ACP update), or a clipped marker. */
  raw: z.unknown().optional(),
  /** Claude: the `Agent` tool call this event comes from inside of. */
  parentToolUseId: z.string().optional(),
};

const payload = <Shape extends z.ZodRawShape>(shape: Shape) => z.object({ ...common, ...shape });
/** Types that only Claude Code hooks (or ingest) produce: the hook payload as it came, nothing of ours. */
const hookPayload = z.looseObject({ ...common });

const str = z.string().optional();
const num = z.number().optional();
const bool = z.boolean().optional();
const nullableNum = z.number().nullable().optional();

/** An event's outcome on a tool (Claude/hooks: ok | error | cancelled; ACP adds denied and incomplete). */
const toolOutcome = ["ok", "error", "cancelled", "denied", "incomplete"] as const;

/**
 * Editing tools (Claude, ACP) report create | update with a patch or a reason; a shell command's git snapshot
 * also reports added | modified | deleted, `base` (the diff is against HEAD or the empty tree) and `restored`.
 * Either `patch` (summarized: false) or `reason` (summarized: true); line counts where known.
 */
const fileChanged = payload({
  toolUseId: str,
  toolCallId: str,
  path: z.string(),
  kind: z.enum(["create", "update", "added", "modified", "deleted"]),
  summarized: z.boolean(),
  patch: str,
  reason: str,
  added: num,
  removed: num,
  base: str,
  restored: bool,
});

const turnOutcome = {
  kind: str,
  subtype: str,
  terminalReason: str,
  stopReason: str,
  result: str,
  apiErrorStatus: nullableNum,
  errorCategory: str,
  errors: z.array(z.string()).optional(),
  permissionDenials: z.array(z.unknown()).optional(),
};

/** An upstream task's work merged into a task's worktree before its turn. */
const mergedUpstream = z.object({ taskId: z.string(), title: z.string(), commit: z.string(), branch: z.string().nullable(), outcome: z.enum(["merged", "up-to-date"]) });

/**
 * What a task was handed from the tasks it depends on (the handoff text itself is in the turn's `prompt.submitted`):
 * per dependency its summary's size, the files it changed with each diff's size and how much of it was shown, its
 * artifacts, and whether the size guard cut anything; the upstream commits merged into its worktree first.
 */
const handoffPayload = payload({
  dependencies: z.array(
    z.object({
      taskId: z.string(),
      title: z.string(),
      status: z.string(),
      branch: z.string().nullable(),
      commit: z.string().nullable(),
      summaryBytes: z.number(),
      summaryTruncated: z.boolean(),
      files: z.array(z.object({ path: z.string(), status: z.string(), diffBytes: z.number().nullable(), shownBytes: z.number() })),
      /** Why no file list could be given (no own worktree, not a repository). */
      filesNote: z.string().nullable(),
      diffBytes: z.number(),
      shownBytes: z.number(),
      truncated: z.boolean(),
      artifacts: z.array(z.object({ name: z.string(), path: z.string(), size: z.number(), mimeType: z.string().nullable() })),
    }),
  ),
  merged: z.array(mergedUpstream),
  limits: z.object({ perDependencyBytes: z.number(), totalBytes: z.number(), summaryBytes: z.number() }),
  /** Bytes of handoff text put in front of the task's prompt. */
  textBytes: z.number(),
  truncated: z.boolean(),
  /** false for shell agents: their prompt is a command line, so the handoff is only recorded. */
  delivered: z.boolean(),
});

/** A merge of upstream work that stopped: which dependency, the conflicting files and their marked regions, where. */
const mergeConflictPayload = payload({
  dependencyTaskId: z.string(),
  dependencyTitle: z.string(),
  commit: z.string(),
  branch: z.string().nullable(),
  /** The worktree the merge stopped in (to fix by hand). */
  path: z.string(),
  files: z.array(z.string()),
  hunks: z.array(z.object({ path: z.string(), text: z.string(), truncated: z.boolean() })),
  /** git's words when it refused to merge at all (no conflicting files: e.g. uncommitted changes in the way). */
  reason: z.string().nullable(),
  merged: z.array(mergedUpstream),
});

/** What every telemetry log event carries: Claude Code's event name (without `claude_code.`), its session, prompt and order. */
const otel = { name: z.string(), sessionId: str, promptId: str, sequence: num };

/** One entry per normalized type: its payload schema and, where the type has an outcome, the statuses it may take. */
export const eventCatalogue = {
  // Session and prompt
  "session.started": {
    payload: payload({ sessionId: str, model: str, cwd: str, toolCount: num, permissionMode: str, claudeCodeVersion: str }),
  },
  "session.ended": { payload: hookPayload },
  "session.setup": { payload: hookPayload },
  "prompt.submitted": { payload: payload({ text: str }) },
  "prompt.expanded": { payload: hookPayload },
  // Messages
  "message.assistant": { payload: payload({ text: str, truncated: bool, messageId: str, model: str, chunks: num }) },
  "message.thinking": { payload: payload({ text: str, truncated: bool, messageId: str, model: str, chunks: num }) },
  // Tools and files
  "tool.started": {
    payload: payload({
      toolUseId: str,
      toolCallId: str,
      input: z.unknown().optional(),
      messageId: str,
      kind: str,
      title: str,
      locations: z.unknown().optional(),
      cwd: str,
    }),
  },
  "tool.updated": {
    payload: payload({ toolCallId: str, acpStatus: str, late: bool }),
  },
  "tool.finished": {
    status: toolOutcome,
    payload: payload({
      toolUseId: str,
      toolCallId: str,
      durationMs: num,
      output: str,
      truncated: bool,
      reason: str,
      kind: str,
      title: str,
      acpStatus: str,
      error: str,
      exitCode: nullableNum,
      signal: z.string().nullable().optional(),
      timedOut: bool,
      bytes: z.unknown().optional(),
      droppedBytes: z.unknown().optional(),
      /** Hook-reported calls the stream left open, closed by the control room: what opened it and what closed it. */
      startedSeq: num,
      closedBy: str,
    }),
  },
  "file.changed": { payload: fileChanged },
  "shell.output": {
    payload: payload({ stream: z.enum(["stdout", "stderr"]), text: z.string(), truncated: bool, limitBytes: num }),
  },
  "workspace.changes_unknown": { payload: payload({ toolUseId: str, error: str }) },
  "workspace.changes_truncated": { payload: payload({ toolUseId: str, omitted: num, examples: z.array(z.string()).optional() }) },
  "workspace.cwd_changed": { payload: hookPayload },
  "workspace.worktree_created": { payload: hookPayload },
  "workspace.worktree_removed": { payload: hookPayload },
  "workspace.directory_added": { payload: hookPayload },
  // Permissions
  "permission.requested": {
    status: ["pending"],
    payload: payload({ id: str, toolName: str, input: z.unknown().optional(), reason: z.string().nullable().optional(), extra: z.unknown().optional() }).loose(),
  },
  "permission.answered": {
    status: ["allowed", "denied", "timed_out", "cancelled"],
    payload: payload({ id: str, toolName: str, answeredBy: z.string().nullable().optional() }).loose(),
  },
  // Usage, budget
  usage: {
    payload: payload({
      cacheReadInputTokens: num,
      cacheCreationInputTokens: num,
      totalCostUsd: num,
      numTurns: num,
      durationMs: num,
      durationApiMs: num,
      modelUsage: z.unknown().optional(),
      source: z.enum(["usage_update", "prompt_response", "context"]).optional(),
      cumulative: num,
      currency: z.unknown().optional(),
      delta: num,
      usage: z.unknown().optional(),
      contextUsed: num,
      contextSize: num,
    }),
  },
  "budget.exceeded": { status: ["task", "paused"], payload: payload({ budget: z.unknown(), spent: z.unknown() }) },
  // Agent state and turns
  "agent.status": { payload: payload({ from: z.string(), to: z.string(), reason: z.string().nullable() }) },
  "agent.waiting": { status: ["stalled", "resumed", "workspace-locked"], payload: payload({ quietMs: num }).loose() },
  "agent.mode_changed": { payload: payload({}) },
  "agent.retrying": {
    payload: payload({ attempt: num, maxRetries: num, delayMs: num, httpStatus: nullableNum, error: str }),
  },
  "agent.notice": {
    payload: payload({
      level: str,
      preventContinuation: bool,
      content: str,
      key: str,
      priority: z.unknown().optional(),
      text: str,
      kind: z.enum(["mode", "notice", "cancel_timeout", "resume_unsupported"]).optional(),
      modeId: z.unknown().optional(),
      resumeSessionId: str,
      previous: str,
      sessionId: str,
    }),
  },
  "agent.notification": { payload: hookPayload },
  "agent.plan": {
    payload: payload({ entries: z.array(z.looseObject({ content: z.unknown().optional(), priority: z.unknown().optional(), status: z.unknown().optional() })) }),
  },
  "agent.error": { status: ["auth_required", "error"], payload: payload({ code: num, message: str, data: z.unknown().optional() }) },
  "turn.finished": { status: ["ok"], payload: payload(turnOutcome) },
  "agent.failed": { status: ["error"], payload: payload(turnOutcome) },
  "agent.interrupted": { status: ["cancelled"], payload: payload(turnOutcome) },
  // Tasks and subagents
  "task.created": { payload: hookPayload },
  "task.assigned": { payload: payload({}) },
  "task.agent_started": { payload: payload({}) },
  "task.requeued": { payload: payload({}) },
  "task.blocked": { status: ["blocked"], payload: payload({}) },
  "task.completed": { payload: hookPayload },
  "task.failed": { payload: payload({}) },
  "task.cancelled": { status: ["cancelled"], payload: payload({}) },
  "task.handoff": { payload: handoffPayload },
  "task.merge_conflict": { status: ["blocked"], payload: mergeConflictPayload },
  "task.conflict_resolved": { status: ["resolved", "agent", "cancelled"], payload: payload({ resolution: z.enum(["resolved", "agent", "cancel"]), path: str, files: z.array(z.string()).optional() }) },
  // Plans (docs/planning.md): the plan's id, and what changed
  "plan.created": { payload: payload({ planId: z.string(), goal: str, budgetUsd: nullableNum, round: num }) },
  "plan.proposed": { payload: payload({ planId: z.string(), tasks: num, round: num }) },
  "plan.refused": { status: ["refused"], payload: payload({ planId: z.string(), reason: z.string(), attempt: num, attemptsLeft: num }) },
  "plan.updated": { payload: payload({ planId: z.string(), tasks: num }) },
  "plan.approved": { payload: payload({ planId: z.string(), by: str }) },
  "plan.started": { payload: payload({ planId: z.string(), tasks: num, round: num }) },
  "plan.decision_needed": { payload: payload({ planId: z.string(), taskId: str, error: str }) },
  "plan.decided": { payload: payload({ planId: z.string(), decision: z.string(), taskId: str }) },
  "plan.finished": { status: ["done", "failed", "cancelled"], payload: payload({ planId: z.string(), error: str, costUsd: num }) },
  "subagent.started": {
    payload: payload({ taskId: str, toolUseId: str, description: str, subagentType: str, prompt: str }),
  },
  "subagent.finished": {
    status: ["ok", "error", "cancelled"],
    payload: payload({ taskId: str, toolUseId: str, taskStatus: str, usage: z.unknown().optional() }),
  },
  // Context, hooks, other
  "context.compacting": { payload: payload({ trigger: str }) },
  "context.compacted": { payload: payload({ trigger: str, preTokens: num, postTokens: num }) },
  "context.instructions_loaded": { payload: hookPayload },
  "hook.failed": {
    status: ["error"],
    payload: payload({ hookId: str, hookName: str, hookEvent: str, exitCode: nullableNum, stdout: str, stderr: str }),
  },
  "config.changed": { payload: hookPayload },
  "model.switching": { payload: hookPayload },
  "model.switched": { payload: hookPayload },
  "elicitation.requested": { payload: hookPayload },
  "elicitation.answered": { payload: hookPayload },
  "tool.batch_finished": { payload: hookPayload },
  // OpenTelemetry: Claude Code's own export (or any service's) through OTLP ingest, docs/telemetry-ingest.md
  "telemetry.user_prompt": { payload: payload({ ...otel, promptLength: num, prompt: str }) },
  "telemetry.api_request": {
    payload: payload({ ...otel, model: str, durationMs: num, ttftMs: num, cacheReadTokens: num, cacheCreationTokens: num, requestId: str }),
  },
  "telemetry.api_error": {
    status: ["error"],
    payload: payload({ ...otel, model: str, error: str, statusCode: nullableNum, durationMs: num, attempt: num, requestId: str }),
  },
  "telemetry.tool_decision": { status: ["accept", "reject"], payload: payload({ ...otel, toolUseId: str, decision: str, source: str }) },
  "telemetry.tool_result": {
    status: ["ok", "error"],
    payload: payload({ ...otel, toolUseId: str, durationMs: num, error: str, decision: str, source: str }),
  },
  "telemetry.log": { payload: payload({ ...otel }) },
  "telemetry.metric": {
    payload: payload({
      name: z.string(),
      unit: str,
      value: num,
      count: num,
      sum: num,
      temporality: z.enum(["delta", "cumulative", "gauge"]).optional(),
      monotonic: bool,
      startTime: str,
      time: str,
      sessionId: str,
      attributes: z.record(z.string(), z.unknown()).optional(),
    }),
  },
} as const satisfies Record<string, { payload: z.ZodType<Record<string, unknown>>; status?: readonly string[] }>;

export type EventType = keyof typeof eventCatalogue;
export const eventTypes = Object.keys(eventCatalogue) as EventType[];

/** The payload a producer writes for one type (what `z.input` accepts: optional fields may be left out). */
export type EventPayload<T extends EventType> = z.input<(typeof eventCatalogue)[T]["payload"]>;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalogue, type);
}

/** The fields every event may index (docs/events.md §1), beside its type and payload. */
export interface IndexedFields {
  summary?: string | undefined;
  toolName?: string | undefined;
  filePath?: string | undefined;
  /** The outcome where the type has one (see `allowedStatuses`). */
  status?: string | undefined;
  /** Cost and tokens of this event alone (deltas, never cumulative totals). */
  costUsd?: number | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
}

/** One catalogue event: a discriminated union on `type`, so a wrong payload for a type cannot compile. */
export type CatalogueEvent = { [T in EventType]: IndexedFields & { type: T; payload: EventPayload<T> } }[EventType];
export type CatalogueEventOf<T extends EventType> = Extract<CatalogueEvent, { type: T }>;

/** Builds one typed event: `catalogueEvent("file.changed", { diff })` does not compile. */
export function catalogueEvent<T extends EventType>(type: T, payload: EventPayload<T>, fields: IndexedFields = {}): CatalogueEventOf<T> {
  return { ...fields, type, payload } as CatalogueEventOf<T>;
}

/** The statuses a catalogue type allows, or undefined when the type sets none or is not in the catalogue. */
export function allowedStatuses(type: string): readonly string[] | undefined {
  if (!isEventType(type)) return undefined;
  const entry = eventCatalogue[type];
  return "status" in entry ? entry.status : undefined;
}

/**
 * Reads a stored payload as its type's shape: `{ ok: true, payload }` with the known fields narrowed, or
 * `{ ok: false, error }` for a payload that does not match (old rows, a hook that sent something else) or a type
 * outside the catalogue. Never throws: readers show a fallback.
 */
export function readPayload<T extends EventType>(
  type: T,
  value: unknown,
): { ok: true; payload: z.output<(typeof eventCatalogue)[T]["payload"]> } | { ok: false; error: string } {
  const schema: z.ZodType = eventCatalogue[type].payload;
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, payload: parsed.data as z.output<(typeof eventCatalogue)[T]["payload"]> };
  // One line naming each field that does not match, e.g. "kind: Invalid option: expected one of …".
  const error = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
  return { ok: false, error };
}

/** The events of one type, narrowed so their payloads read as that type's shape. */
export function eventsOfType<T extends EventType>(events: readonly CatalogueEvent[], type: T): CatalogueEventOf<T>[] {
  return events.filter((event): event is CatalogueEventOf<T> => event.type === type);
}
