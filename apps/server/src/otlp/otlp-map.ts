import { createHash } from "node:crypto";
import type { IngestEventInput } from "@rozet/api";
import type { EventPayload } from "@rozet/vocabulary";
import {
  attributesToJson,
  toNumber,
  type ExportLogsRequest,
  type ExportMetricsRequest,
  type KeyValue,
  type OtlpLogRecord,
  type OtlpMetric,
} from "./otlp-contracts.ts";

/**
 * Maps OTLP export requests (Claude Code's native OpenTelemetry export, or any service's) onto enriched ingest
 * events (schema_version 2), so they take the same validation, limits and write path as every other ingest.
 *
 * Where they land: the session is the resource attribute `rozet.session` (a name or a Rozet session id; else the
 * `service.name`), the agent is `rozet.agent` (a Rozet agent id) or else the record's `session.id` — the same key
 * Claude Code hooks use, so hooks and telemetry of one Claude session meet on one agent.
 */

type WireEvent = Extract<IngestEventInput, { schema_version: 2 }>;

/** Where a resource's records go. */
interface Origin {
  app: string;
  service: string;
  agent: string | undefined;
}

function originOf(resourceAttributes: KeyValue[] | undefined): Origin {
  const attrs = attributesToJson(resourceAttributes);
  const service = typeof attrs["service.name"] === "string" && attrs["service.name"] ? attrs["service.name"] : "otlp";
  const app = typeof attrs["rozet.session"] === "string" && attrs["rozet.session"] ? attrs["rozet.session"] : service;
  const agent = typeof attrs["rozet.agent"] === "string" && attrs["rozet.agent"] ? attrs["rozet.agent"] : undefined;
  return { app, service, agent };
}

/** A stable id per record: an exporter's retry of the same batch is stored once (reported as duplicates). */
function recordId(parts: unknown[]): string {
  return `otlp-${createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 40)}`;
}

/** Nanoseconds since the epoch (decimal string or number) as an ISO time, or undefined when absent or zero. */
function nanosToIso(nanos: string | number | undefined): string | undefined {
  if (nanos === undefined) return undefined;
  const ms = Number(BigInt(nanos) / 1_000_000n);
  return ms > 0 ? new Date(ms).toISOString() : undefined;
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined);
/** Claude Code sends some numbers as strings ("827"); a field that is not a number is left out. */
function number(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
const count = (value: unknown): number | undefined => {
  const n = number(value);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
};

function attribution(origin: Origin, sessionKey: string) {
  const agentName = `${origin.service === "claude-code" ? "claude" : origin.service}-${sessionKey.slice(0, 8)}`;
  return { source_app: origin.app, session_id: sessionKey, agent_id: origin.agent ?? sessionKey, agent_name: agentName.slice(0, 200) };
}

/** One log record → one telemetry.* event; Claude Code's event names (`claude_code.tool_result` …) get their own types. */
function logEvent(origin: Origin, record: OtlpLogRecord): WireEvent {
  const attrs = attributesToJson(record.attributes);
  const bodyName = record.body?.stringValue;
  const name = text(attrs["event.name"]) ?? record.eventName ?? bodyName ?? "log";
  const shortName = name.replace(/^claude_code\./, "");
  const sessionKey = text(attrs["session.id"]) ?? origin.service;
  const common = { name: shortName, sessionId: text(attrs["session.id"]), promptId: text(attrs["prompt.id"]), sequence: number(attrs["event.sequence"]) };
  const raw = { attributes: attrs, ...(record.body && !bodyName ? { body: record.body } : {}), ...(record.severityText ? { severityText: record.severityText } : {}) };
  const base = {
    schema_version: 2 as const,
    event_id: recordId(["log", origin.app, record.timeUnixNano, record.body, record.attributes]),
    ...attribution(origin, sessionKey),
    timestamp: nanosToIso(record.timeUnixNano) ?? nanosToIso(record.observedTimeUnixNano),
  };
  const model = text(attrs.model);
  const toolName = text(attrs.tool_name);
  switch (shortName) {
    case "user_prompt": {
      const prompt = text(attrs.prompt);
      const payload: EventPayload<"telemetry.user_prompt"> = { ...common, raw, promptLength: number(attrs.prompt_length), prompt: prompt === "<REDACTED>" ? undefined : prompt };
      return { ...base, type: "telemetry.user_prompt", summary: payload.prompt ?? `prompt (${payload.promptLength ?? "?"} characters)`, payload };
    }
    case "api_request": {
      const payload: EventPayload<"telemetry.api_request"> = {
        ...common,
        raw,
        model,
        durationMs: number(attrs.duration_ms),
        ttftMs: number(attrs.ttft_ms),
        cacheReadTokens: count(attrs.cache_read_tokens),
        cacheCreationTokens: count(attrs.cache_creation_tokens),
        requestId: text(attrs.request_id),
      };
      const cost = number(attrs.cost_usd);
      const input = count(attrs.input_tokens);
      const output = count(attrs.output_tokens);
      return {
        ...base,
        type: "telemetry.api_request",
        ...(model ? { model_name: model } : {}),
        ...(cost !== undefined && cost >= 0 ? { cost_usd: cost } : {}),
        ...(input !== undefined ? { input_tokens: input } : {}),
        ...(output !== undefined ? { output_tokens: output } : {}),
        summary: `${model ?? "API request"} · ${input ?? 0} in / ${output ?? 0} out${cost !== undefined ? ` · $${cost.toFixed(4)}` : ""}`,
        payload,
      };
    }
    case "api_error": {
      const status = number(attrs.status_code);
      const payload: EventPayload<"telemetry.api_error"> = {
        ...common,
        raw,
        model,
        error: text(attrs.error),
        statusCode: status ?? null,
        durationMs: number(attrs.duration_ms),
        attempt: number(attrs.attempt),
        requestId: text(attrs.request_id),
      };
      return { ...base, type: "telemetry.api_error", status: "error", summary: `API error${status ? ` ${status}` : ""}: ${payload.error ?? "unknown"}`, payload };
    }
    case "tool_decision": {
      const decision = text(attrs.decision);
      const payload: EventPayload<"telemetry.tool_decision"> = { ...common, raw, toolUseId: text(attrs.tool_use_id), decision, source: text(attrs.source) };
      return {
        ...base,
        type: "telemetry.tool_decision",
        ...(toolName ? { tool_name: toolName } : {}),
        ...(decision === "accept" || decision === "reject" ? { status: decision } : {}),
        summary: `${toolName ?? "tool"} ${decision ?? "decided"}${payload.source ? ` (${payload.source})` : ""}`,
        payload,
      };
    }
    case "tool_result": {
      const success = text(attrs.success);
      const payload: EventPayload<"telemetry.tool_result"> = {
        ...common,
        raw,
        toolUseId: text(attrs.tool_use_id),
        durationMs: number(attrs.duration_ms),
        error: text(attrs.error),
        decision: text(attrs.decision),
        source: text(attrs.source),
      };
      const status = success === "true" ? "ok" : success === "false" ? "error" : undefined;
      return {
        ...base,
        type: "telemetry.tool_result",
        ...(toolName ? { tool_name: toolName } : {}),
        ...(status ? { status } : {}),
        summary: `${toolName ?? "tool"} ${status === "error" ? `failed${payload.error ? `: ${payload.error}` : ""}` : "finished"}${payload.durationMs !== undefined ? ` in ${payload.durationMs} ms` : ""}`,
        payload,
      };
    }
    default: {
      const payload: EventPayload<"telemetry.log"> = { ...common, raw };
      return { ...base, type: "telemetry.log", summary: name, payload };
    }
  }
}

const temporalityNames: Record<string, "delta" | "cumulative"> = { "1": "delta", "2": "cumulative", AGGREGATION_TEMPORALITY_DELTA: "delta", AGGREGATION_TEMPORALITY_CUMULATIVE: "cumulative" };

/** One data point → one telemetry.metric event (its value in the payload; cost and tokens are counted from logs). */
function metricEvents(origin: Origin, metric: OtlpMetric): WireEvent[] {
  const sum = metric.sum;
  const points = metric.gauge?.dataPoints ?? sum?.dataPoints ?? metric.histogram?.dataPoints ?? [];
  const aggregation = sum?.aggregationTemporality ?? metric.histogram?.aggregationTemporality;
  const temporality = metric.gauge ? "gauge" : aggregation === undefined ? undefined : temporalityNames[String(aggregation)];
  return points.map((point) => {
    const attrs = attributesToJson(point.attributes);
    const sessionKey = text(attrs["session.id"]) ?? origin.service;
    const value = "asDouble" in point || "asInt" in point ? number(point.asDouble ?? (point.asInt === undefined ? undefined : toNumber(point.asInt))) : undefined;
    const histogram = "count" in point ? { count: count(toNumber(point.count ?? 0)), sum: number(point.sum) } : {};
    const payload: EventPayload<"telemetry.metric"> = {
      name: metric.name,
      unit: metric.unit || undefined,
      value,
      ...histogram,
      temporality,
      monotonic: sum?.isMonotonic,
      startTime: nanosToIso(point.startTimeUnixNano),
      time: nanosToIso(point.timeUnixNano),
      sessionId: text(attrs["session.id"]),
      attributes: attrs,
    };
    const labels = ["type", "model", "decision", "tool_name"].map((key) => text(attrs[key])).filter(Boolean).join(" ");
    return {
      schema_version: 2 as const,
      event_id: recordId(["metric", origin.app, metric.name, point.startTimeUnixNano, point.timeUnixNano, point.attributes]),
      ...attribution(origin, sessionKey),
      type: "telemetry.metric",
      timestamp: payload.time,
      summary: `${metric.name}${labels ? ` {${labels}}` : ""} = ${value ?? histogram.sum ?? "?"}${metric.unit ? ` ${metric.unit}` : ""}`,
      payload,
    };
  });
}

export function logsToEvents(request: ExportLogsRequest): WireEvent[] {
  return (request.resourceLogs ?? []).flatMap((resourceLogs) => {
    const origin = originOf(resourceLogs.resource?.attributes);
    return (resourceLogs.scopeLogs ?? []).flatMap((scopeLogs) => (scopeLogs.logRecords ?? []).map((record) => logEvent(origin, record)));
  });
}

export function metricsToEvents(request: ExportMetricsRequest): WireEvent[] {
  return (request.resourceMetrics ?? []).flatMap((resourceMetrics) => {
    const origin = originOf(resourceMetrics.resource?.attributes);
    return (resourceMetrics.scopeMetrics ?? []).flatMap((scopeMetrics) => (scopeMetrics.metrics ?? []).flatMap((metric) => metricEvents(origin, metric)));
  });
}
