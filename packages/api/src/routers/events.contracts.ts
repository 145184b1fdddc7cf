import type { EventHistogram, EventSummary, TimelinePage, TimelineWindow } from "@rozet/db";
import { z } from "zod";
import { idSchema } from "./common.contracts.ts";
import { ingestLimits, type IngestEventInput } from "./ingest.contracts.ts";

const seq = z.number().int().nonnegative();
const eventType = z.string().min(1).max(100);

export const ingestInput = z.object({
  // Shapes are checked per event by parseIngestEvent, which reports the failing index and field.
  events: z
    .array(z.custom<IngestEventInput>((value) => typeof value === "object" && value !== null, "each event must be an object"))
    .min(1)
    .max(ingestLimits.maxBatchEvents),
});

/** What a timeline shows: the same filter for pages, windows and the live subscription's reducer. */
const filterFields = {
  sessionId: idSchema,
  agentId: idSchema.optional(),
  /** One task's events. */
  taskId: idSchema.optional(),
  types: z.array(eventType).max(50).optional(),
  text: z.string().min(1).max(200).optional(),
};

export const timelineInput = z
  .object({
    /** Page backward: events with seq < before (newest first page when neither cursor is given). */
    before: seq.optional(),
    /** Page forward: events with seq > after. */
    after: seq.optional(),
    limit: z.number().int().min(1).max(500).default(200),
    ...filterFields,
  });

/** `event.window`: rows by position in the filtered timeline, anchored at one of position, seq or time (none: the newest). */
export const windowInput = z
  .object({
    ...filterFields,
    /** 0 = the oldest matching event. */
    position: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    /** That event, or the first match after it. */
    seq: seq.optional(),
    /** Milliseconds since the epoch: the first match received at or after it. */
    time: z.number().int().nonnegative().max(8.64e15).optional(),
    /** Rows before the anchor (context around a jump). */
    before: z.number().int().min(0).max(500).default(0),
    limit: z.number().int().min(1).max(500).default(200),
  })
  .superRefine((input, ctx) => {
    const anchors = (["position", "seq", "time"] as const).filter((key) => input[key] !== undefined);
    if (anchors.length > 1) ctx.addIssue({ code: "custom", path: [anchors[1]!], message: `give one of position, seq or time, not ${anchors.join(" and ")}` });
  });

/** A command's run log, paged forward by seq; pages are small because they carry payloads (output text). */
export const runLogInput = z.object({
  commandId: idSchema,
  /** Events with seq > after (from the start when left out). */
  after: seq.optional(),
  limit: z.number().int().min(1).max(200).default(100),
});

export const eventGetInput = z.object({ seq: seq });

export const subscribeInput = z.object({
  sessionId: idSchema.optional(),
  agentId: idSchema.optional(),
  taskId: idSchema.optional(),
  types: z.array(eventType).max(50).optional(),
  /** Resume after this seq (tRPC sets it on reconnect from the last tracked id). */
  lastEventId: z.string().max(32).nullish(),
});

export const histogramInput = z.object({ sessionId: idSchema, maxBuckets: z.number().int().min(10).max(2_000).default(600) });

/** A timeline row: indexed fields and the summary; the payload comes from GET /api/events/{seq}. */
export const eventSummaryOutput = z.object({
  seq: z.number().int(),
  eventId: z.string(),
  sessionId: z.string(),
  agentId: z.string().nullable(),
  taskId: z.string().nullable(),
  commandId: z.string().nullable(),
  source: z.string(),
  type: z.string(),
  hookEventType: z.string().nullable(),
  schemaVersion: z.number().int(),
  /** The sender's clock (ms since the epoch), when it sent one. */
  clientTs: z.number().nullable(),
  /** The server's clock (ms since the epoch) when the event was received. */
  receivedAt: z.number(),
  toolName: z.string().nullable(),
  filePath: z.string().nullable(),
  status: z.string().nullable(),
  costUsd: z.number().nullable(),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  summary: z.string().nullable(),
  payloadSize: z.number().int(),
}) satisfies z.ZodType<EventSummary>;

export const timelineOutput = z.object({
  /** Ascending by seq. */
  events: z.array(eventSummaryOutput),
  /** The newest seq stored when the page was read: follow live from it. */
  lastSeq: z.number().int(),
  hasMoreBefore: z.boolean(),
  hasMoreAfter: z.boolean(),
}) satisfies z.ZodType<TimelinePage>;

export const fullEventOutput = eventSummaryOutput.extend({ payload: z.unknown() });

export const histogramOutput = z.object({
  bucketMs: z.number().int(),
  maxBuckets: z.number().int(),
  start: z.number().nullable(),
  counts: z.array(z.number().int()),
  cost: z.array(z.number()),
  costByAgent: z.record(z.string(), z.array(z.number())),
  lastSeq: z.number().int(),
  events: z.number().int(),
}) satisfies z.ZodType<EventHistogram>;

export const ingestOutput = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  results: z.array(z.object({ eventId: z.string(), seq: z.number().int(), duplicate: z.boolean(), sessionId: z.string(), agentId: z.string().nullable() })),
});

export const windowOutput = z.object({
  /** Matching events up to lastSeq: the height of the whole timeline. */
  total: z.number().int(),
  lastSeq: z.number().int(),
  /** Position of the anchor (== total when nothing matches at or after the seq or time asked). */
  anchor: z.number().int(),
  anchorSeq: z.number().int().nullable(),
  /** Position of events[0]. */
  start: z.number().int(),
  events: z.array(eventSummaryOutput),
}) satisfies z.ZodType<TimelineWindow>;
