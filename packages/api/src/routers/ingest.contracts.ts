import { newEventId, type NewEvent } from "@rozet/db";
import { allowedStatuses, DomainError } from "@rozet/vocabulary";
import { clip, normalizeHookEvent } from "@rozet/orchestrator";
import { z } from "zod";
import { MAX_PAYLOAD_DEPTH, nestingDepth, splitIngestBody } from "../json-text.ts";
import { printable } from "./common.contracts.ts";
import { findIllFormedText, illFormedMessage } from "../well-formed.ts";

/** Size caps for ingest; each breach is reported as PAYLOAD_TOO_LARGE naming the limit. */
export const ingestLimits = {
  /** A whole HTTP request body. */
  maxRequestBytes: 16 * 1024 * 1024,
  /** One event, payload included. */
  maxEventBytes: 5 * 1024 * 1024,
  /** One event's payload (Stop events with chat transcripts run to megabytes). */
  maxPayloadBytes: 4 * 1024 * 1024,
  maxBatchEvents: 1_000,
} as const;

const noControlCharsExceptWhitespace = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/u;

const identifier = (max = 200) => printable(max).min(1);
const text = (max: number) => z.string().max(max).regex(noControlCharsExceptWhitespace, "must not contain control characters");
const timestamp = z.union([z.number().finite().nonnegative(), z.iso.datetime({ offset: true })]);

/**
 * schema_version 1: the shape existing Claude Code observability hooks send. Loose where those hooks are loose:
 * optional fields may be null or "" (send_event.py sends `model_name: ""` when the transcript names no model), and
 * other top-level fields (the script copies tool_name, agent_id, error… up from the payload) are kept in the
 * payload. Ids, types and sizes stay strict.
 */
export const legacyEventSchema = z.object({
  schema_version: z.literal(1).optional(),
  source_app: identifier(),
  session_id: identifier(),
  hook_event_type: identifier(100),
  payload: z.record(z.string(), z.unknown()),
  timestamp: timestamp.nullish(),
  summary: text(4_000).nullish(),
  chat: z.array(z.unknown()).nullish(),
  model_name: z.union([z.literal(""), identifier()]).nullish(),
});

const legacyFields = new Set(Object.keys(legacyEventSchema.shape));

/** A legacy event's unknown top-level fields that its payload does not already hold. */
function extraLegacyFields(event: Record<string, unknown>, payload: Record<string, unknown>): Record<string, unknown> | undefined {
  let extras: Record<string, unknown> | undefined;
  for (const key of Object.keys(event)) {
    // "__proto__" would set the prototype of the copy, not a field.
    if (legacyFields.has(key) || key in payload || key === "__proto__") continue;
    (extras ??= {})[key] = event[key];
  }
  return extras;
}

/** schema_version 2: the legacy fields plus idempotency, attribution, cost and tool metadata. */
export const enrichedEventSchema = z
  .object({
    schema_version: z.literal(2),
    event_id: identifier(128),
    source_app: identifier(),
    session_id: identifier(),
    agent_id: identifier().optional(),
    agent_name: identifier().optional(),
    task_id: identifier().optional(),
    command_id: identifier().optional(),
    type: z.string().max(100).regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, "lowercase words joined by dots, e.g. tool.started or usage").optional(),
    hook_event_type: identifier(100).optional(),
    payload: z.record(z.string(), z.unknown()).default({}),
    timestamp: timestamp.optional(),
    summary: text(4_000).nullish(),
    chat: z.array(z.unknown()).nullish(),
    model_name: identifier().nullish(),
    cost_usd: z.number().finite().nonnegative().optional(),
    input_tokens: z.number().int().nonnegative().optional(),
    output_tokens: z.number().int().nonnegative().optional(),
    tool_name: identifier().optional(),
    file_path: text(4_096).optional(),
    status: identifier(32).optional(),
  })
  .refine((event) => event.type !== undefined || event.hook_event_type !== undefined, {
    message: "either type or hook_event_type is required",
    path: ["type"],
  })
  .superRefine((event, context) => {
    // A catalogue type's outcome is a closed set (the page colours and counts by it); payloads stay as sent,
    // and types outside the catalogue are stored as they come (docs/events.md §7).
    const allowed = event.type === undefined ? undefined : allowedStatuses(event.type);
    if (allowed && event.status !== undefined && !allowed.includes(event.status)) {
      context.addIssue({ code: "custom", path: ["status"], message: `${event.type} takes status ${allowed.join(", ")}` });
    }
  });

/** What a typed client may send to `event.ingest`. */
export type IngestEventInput = z.input<typeof legacyEventSchema> | z.input<typeof enrichedEventSchema>;

const supportedVersions = "1 (legacy hook shape, schema_version omitted or 1) and 2 (enriched)";

function toMillis(value: number | string | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "number" ? value : Date.parse(value);
}

function tooLarge(limit: "payload" | "event" | "batch" | "request", max: number, actual: number, index?: number): DomainError {
  const where = index === undefined ? "" : ` (event ${index})`;
  return new DomainError("PAYLOAD_TOO_LARGE", `${limit} is ${actual} ${limit === "batch" ? "events" : "bytes"}${where}; the limit is ${max}`, {
    limit,
    max,
    actual,
    ...(index === undefined ? {} : { index }),
  });
}

function tooDeep(index: number): DomainError {
  return new DomainError("INVALID_INPUT", `event ${index}: payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels (the nesting limit)`, {
    index,
    limit: "depth",
    max: MAX_PAYLOAD_DEPTH,
    issues: [{ path: `${index}.payload`, message: `nested deeper than ${MAX_PAYLOAD_DEPTH} levels` }],
  });
}

/**
 * Validates and normalizes one wire event. Throws DomainError; never returns a half-valid event. `payloadText`,
 * when given, is the received source text of `raw.payload`: it is stored as is instead of re-serializing, and
 * `payloadDepth` is its nesting depth as measured while finding it (else the parsed payload is measured).
 */
export function parseIngestEvent(raw: unknown, index = 0, payloadText?: string, payloadDepth?: number): NewEvent {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new DomainError("INVALID_INPUT", `event ${index} must be a JSON object`, { index });
  }
  const version = (raw as { schema_version?: unknown }).schema_version ?? 1;
  if (version !== 1 && version !== 2) {
    // Echo only a primitive: an object or array may be nested too deep to serialize (into the message or the body).
    const shown = version !== null && typeof version === "object" ? (Array.isArray(version) ? "an array" : "an object") : JSON.stringify(version);
    throw new DomainError(
      "UNSUPPORTED_SCHEMA_VERSION",
      `event ${index}: schema_version ${shown} is not supported; this server accepts ${supportedVersions}`,
      { index, schemaVersion: typeof version === "object" ? shown : version, supported: [1, 2] },
    );
  }
  // The event's own fields become columns (ids, names, summary): a lone surrogate there would be stored altered.
  // The payload is kept as the received text, where it is only an escape.
  const { payload: _payload, chat: _chat, ...fields } = raw as Record<string, unknown>;
  const illFormed = findIllFormedText(fields);
  if (illFormed !== null) {
    const path = `${index}.${illFormed}`;
    throw new DomainError("INVALID_INPUT", `event ${index} is invalid: ${path}: ${illFormedMessage}`, { index, issues: [{ path, message: illFormedMessage }] });
  }
  const parsed = version === 2 ? enrichedEventSchema.safeParse(raw) : legacyEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: [index, ...issue.path].join("."), message: issue.message }));
    throw new DomainError("INVALID_INPUT", `event ${index} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, {
      index,
      issues,
    });
  }
  const event = parsed.data;
  const withChat = event.chat && !("chat" in event.payload);
  const extras = "event_id" in event ? undefined : extraLegacyFields(raw as Record<string, unknown>, event.payload);
  const rewritten = withChat || extras !== undefined;
  const payload = rewritten ? { ...extras, ...event.payload, ...(withChat ? { chat: event.chat } : {}) } : event.payload;
  const depth = payloadText !== undefined && payloadDepth !== undefined && !rewritten ? payloadDepth : nestingDepth(payload);
  if (depth > MAX_PAYLOAD_DEPTH) throw tooDeep(index);
  const payloadJson = payloadText !== undefined && !rewritten ? payloadText : JSON.stringify(payload);
  // UTF-8 takes at most 3 bytes per UTF-16 code unit: when even that bound is within the limits, the exact byte
  // counts (a full pass over a payload of up to megabytes) cannot matter.
  const summaryChars = event.summary?.length ?? 0;
  if (payloadJson.length * 3 > ingestLimits.maxPayloadBytes || (payloadJson.length + summaryChars) * 3 + 1_024 > ingestLimits.maxEventBytes) {
    const payloadBytes = Buffer.byteLength(payloadJson);
    if (payloadBytes > ingestLimits.maxPayloadBytes) throw tooLarge("payload", ingestLimits.maxPayloadBytes, payloadBytes, index);
    const eventBytes = payloadBytes + Buffer.byteLength(event.summary ?? "") + 1_024;
    if (eventBytes > ingestLimits.maxEventBytes) throw tooLarge("event", ingestLimits.maxEventBytes, eventBytes, index);
  }

  const hook = event.hook_event_type ? normalizeHookEvent(event.hook_event_type, payload) : undefined;
  const enriched = "event_id" in event ? event : undefined;
  const agentRef = enriched?.agent_id ?? event.session_id;
  const summary = event.summary ? clip(event.summary) : hook?.summary;
  return {
    eventId: enriched?.event_id ?? newEventId(),
    session: { ref: event.source_app, name: event.source_app },
    agent: {
      ref: agentRef,
      name: enriched?.agent_name ?? `${event.model_name ? "claude" : "agent"}-${event.session_id.slice(0, 8)}`,
      ...(event.model_name ? { model: event.model_name } : {}),
    },
    taskId: enriched?.task_id,
    commandId: enriched?.command_id,
    source: enriched ? "hook.v2" : "hook",
    type: enriched?.type ?? hook?.type ?? "hook.unknown",
    hookEventType: event.hook_event_type,
    schemaVersion: version,
    clientTs: toMillis(event.timestamp),
    toolName: enriched?.tool_name ?? hook?.toolName,
    filePath: enriched?.file_path ?? hook?.filePath,
    status: enriched?.status ?? hook?.status,
    costUsd: enriched?.cost_usd,
    inputTokens: enriched?.input_tokens,
    outputTokens: enriched?.output_tokens,
    summary,
    payloadJson,
  };
}

/** A request body: one event, an array, or `{ events: [...] }`. All valid or nothing is stored. */
export function parseIngestBody(body: unknown): NewEvent[] {
  const list = Array.isArray(body)
    ? body
    : body && typeof body === "object" && Array.isArray((body as { events?: unknown }).events)
      ? (body as { events: unknown[] }).events
      : [body];
  checkBatchSize(list.length);
  return list.map((raw, index) => parseIngestEvent(raw, index));
}

/**
 * A request body as received over HTTP (same shapes as parseIngestBody). Batches are parsed element by element
 * (see splitIngestBody: far less garbage-collector work than one big parse), and every event keeps its payload's
 * text as received instead of re-serializing it.
 */
export function parseIngestText(text: string): NewEvent[] {
  let split: ReturnType<typeof splitIngestBody>;
  try {
    split = splitIngestBody(text, ingestLimits.maxBatchEvents);
  } catch {
    // Malformed: the whole-text parse below reports it with JSON.parse's own message.
  }
  if (split && "batch" in split) {
    checkBatchSize(split.count);
    return split.batch.map((element, index) => parseIngestEvent(parseJsonText(element.text), index, element.payload, element.payloadDepth));
  }
  const body = parseJsonText(text);
  return split ? [parseIngestEvent(body, 0, split.single.payload, split.single.payloadDepth)] : parseIngestBody(body);
}

/** JSON.parse with the domain's error for a body that is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError("INVALID_INPUT", `body is not valid JSON: ${(error as Error).message}`, { issues: [{ path: "", message: "malformed JSON" }] });
  }
}

function checkBatchSize(count: number): void {
  if (count === 0) throw new DomainError("INVALID_INPUT", "no events in the request", { issues: [{ path: "events", message: "empty" }] });
  if (count > ingestLimits.maxBatchEvents) throw tooLarge("batch", ingestLimits.maxBatchEvents, count);
}

/** What every ingest path answers once its events are committed. */
export function ingestReceipt(results: { eventId: string; seq: number; duplicate: boolean; sessionId: string; agentId: string | null }[]) {
  const duplicates = results.filter((r) => r.duplicate).length;
  return { accepted: results.length - duplicates, duplicates, results };
}
