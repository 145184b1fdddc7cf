import { z } from "zod";
import { MAX_PAYLOAD_DEPTH, nestingDepth } from "../json-text.ts";

/** A string without control characters (NUL, escape sequences, bells…): ids, names, paths. */
export const printable = (max: number) => z.string().max(max).regex(/^[^\p{Cc}]*$/u, "must not contain control characters");

/** Ids are UUIDs we mint or keys other tools chose; either way short and printable. */
export const idSchema = printable(200).min(1);
export const nameSchema = printable(120).trim().min(1);

/** Free-form JSON from a client (e.g. a tool's edited input): an object nested at most MAX_PAYLOAD_DEPTH levels. */
export const jsonObjectSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => nestingDepth(value) <= MAX_PAYLOAD_DEPTH, `nests deeper than ${MAX_PAYLOAD_DEPTH} levels (the nesting limit)`);

/** A time on the wire: ISO 8601 in UTC, as the server writes it. */
export const isoTime = z.iso.datetime();
/** What a delete answers. */
export const deletedOutput = z.object({ id: z.string(), deleted: z.literal(true) });

/**
 * The session an agent or task is named under in its REST path (/api/sessions/{sessionId}/agents/{agentId}/…):
 * optional for tRPC callers, always filled from the path over REST, checked when given. A pipe rather than
 * `.optional()` because trpc-to-openapi refuses optional path parameters.
 */
export const scopingSessionId = idSchema.optional().transform((id) => id);
