import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { domainErrorMap, ingestLimits, nestingDepth, parseIngestEvent, parseJsonText } from "@rozet/api";
import type { NewEvent } from "@rozet/db";
import { DomainError, newId } from "@rozet/vocabulary";
import type { z } from "zod";
import { decodeUtf8, readBodyBytes } from "../http/body.ts";
import type { IngestWriter } from "../http/ingest-writer.ts";
import type { ErrorLog } from "../http/respond.ts";
import { exportLogsRequestSchema, exportMetricsRequestSchema } from "./otlp-contracts.ts";
import { logsToEvents, metricsToEvents } from "./otlp-map.ts";
import { decodeOtlpProtobuf, encodeOtlpStatus, type OtlpSignal } from "./otlp-proto.ts";

const gunzipAsync = promisify(gunzip);

/** OTLP/HTTP encodings (the spec's two). Anything else is a 415. */
type Encoding = "json" | "protobuf";

function encodingOf(contentType: string | undefined): Encoding | undefined {
  const type = (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
  return type === "application/json" ? "json" : type === "application/x-protobuf" ? "protobuf" : undefined;
}

/** An OTLP request nests ~10 levels around its attribute values; their own nesting is capped like any payload's. */
const MAX_REQUEST_DEPTH = 96;

/** gRPC status codes for the google.rpc.Status body OTLP/HTTP errors carry, by HTTP status. */
const grpcCodeByHttp: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 422: 3, 429: 8, 500: 13, 503: 14 };

/** A decoded request (either encoding) → wire events, through the signal's schema. */
const toWireEvents: Record<OtlpSignal, (body: unknown) => ReturnType<typeof logsToEvents>> = {
  logs: (body) => logsToEvents(validate(exportLogsRequestSchema, body)),
  metrics: (body) => metricsToEvents(validate(exportMetricsRequestSchema, body)),
};

/** The gzip-inflated body, bounded like the request itself (a small bomb is a 413, not a memory spike). */
async function inflate(body: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  const encoding = (contentEncoding ?? "identity").trim().toLowerCase();
  if (encoding === "identity" || encoding === "") return body;
  if (encoding !== "gzip") throw new OtlpRefusal(415, `Content-Encoding ${JSON.stringify(contentEncoding)} is not supported (gzip or none)`);
  try {
    return await gunzipAsync(body, { maxOutputLength: ingestLimits.maxRequestBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new DomainError("PAYLOAD_TOO_LARGE", `inflated request exceeds the limit of ${ingestLimits.maxRequestBytes} bytes`, { limit: "request", max: ingestLimits.maxRequestBytes });
    }
    throw new OtlpRefusal(400, `body is not valid gzip: ${(error as Error).message}`);
  }
}

/** A refusal with an HTTP status but no domain code (wrong media type or encoding, undecodable bytes). */
class OtlpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function decode(signal: OtlpSignal, encoding: Encoding, bytes: Buffer): unknown {
  if (encoding === "protobuf") {
    try {
      return decodeOtlpProtobuf(signal, bytes);
    } catch (error) {
      throw new OtlpRefusal(400, `body is not a valid protobuf Export${signal === "logs" ? "Logs" : "Metrics"}ServiceRequest: ${(error as Error).message}`);
    }
  }
  const body = parseJsonText(decodeUtf8(bytes));
  if (nestingDepth(body, MAX_REQUEST_DEPTH) > MAX_REQUEST_DEPTH) throw new OtlpRefusal(400, `request nests deeper than ${MAX_REQUEST_DEPTH} levels`);
  return body;
}

function validate<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
  throw new OtlpRefusal(400, `invalid export request: ${issues.join("; ")}`);
}

/** Parses an OTLP export request into events, all valid or none (any error throws before anything is stored). */
export async function parseOtlpRequest(signal: OtlpSignal, req: IncomingMessage, encoding: Encoding): Promise<NewEvent[]> {
  const bytes = await inflate(await readBodyBytes(req, ingestLimits.maxRequestBytes), req.headers["content-encoding"]);
  const wire = toWireEvents[signal](decode(signal, encoding, bytes));
  if (wire.length > ingestLimits.maxBatchEvents) {
    throw new DomainError("PAYLOAD_TOO_LARGE", `request holds ${wire.length} records; the limit is ${ingestLimits.maxBatchEvents}`, {
      limit: "batch",
      max: ingestLimits.maxBatchEvents,
      actual: wire.length,
    });
  }
  return wire.map((event, index) => parseIngestEvent(event, index));
}

/** Answers in the request's own encoding, as OTLP/HTTP asks: an empty response on success, a Status on failure. */
function answer(res: ServerResponse, encoding: Encoding, status: number, message?: string): void {
  const code = grpcCodeByHttp[status] ?? 2;
  const body = encoding === "protobuf" ? (message === undefined ? new Uint8Array() : encodeOtlpStatus(code, message)) : JSON.stringify(message === undefined ? {} : { code, message });
  res.writeHead(status, {
    "content-type": encoding === "protobuf" ? "application/x-protobuf" : "application/json",
    "content-length": typeof body === "string" ? Buffer.byteLength(body) : body.byteLength,
  });
  res.end(body);
}

/**
 * POST /v1/logs and /v1/metrics: OTLP/HTTP export requests, JSON or protobuf, optionally gzip-compressed. Answered
 * once the events are committed; a bad request is a 4xx with a google.rpc.Status naming what is wrong, nothing
 * stored (OTLP exporters do not retry 400s). Auth is the caller's (server.ts checks the ingest token first).
 */
export function createOtlpHandler(signal: OtlpSignal) {
  return async function handleOtlp(writer: IngestWriter, req: IncomingMessage, res: ServerResponse, log: ErrorLog): Promise<void> {
    const encoding = encodingOf(req.headers["content-type"]);
    if (!encoding) {
      req.resume();
      answer(res, "json", 415, `Content-Type must be application/json or application/x-protobuf, not ${JSON.stringify(req.headers["content-type"] ?? "")}`);
      return;
    }
    try {
      const events = await parseOtlpRequest(signal, req, encoding);
      if (events.length > 0) await writer.append(events);
      answer(res, encoding, 200);
    } catch (error) {
      if (error instanceof OtlpRefusal) return answer(res, encoding, error.status, error.message);
      if (error instanceof DomainError) return answer(res, encoding, domainErrorMap[error.code].http, error.message);
      const correlationId = newId();
      log(error, correlationId);
      answer(res, encoding, 500, `internal error (correlation id ${correlationId}); see the server log`);
    }
  };
}
