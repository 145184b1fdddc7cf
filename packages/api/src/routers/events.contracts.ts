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
  types: z.array(eventType).max(50).optional(),
  /** Resume after this seq (tRPC sets it on reconnect from the last tracked id). */
  lastEventId: z.string().max(32).nullish(),
});

export const histogramInput = z.object({ sessionId: idSchema, maxBuckets: z.number().int().min(10).max(2_000).default(600) });
