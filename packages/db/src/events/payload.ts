import { deflateRawSync, inflateRawSync, constants } from "node:zlib";

/** Payloads above this many bytes are deflated: hook payloads are mostly small, transcripts are huge and repetitive. */
export const DEFLATE_THRESHOLD_BYTES = 1024;

export const PayloadEncoding = { utf8: 0, deflateRaw: 1 } as const;

export interface EncodedPayload {
  encoding: number;
  size: number;
  bytes: Buffer;
}

export function encodePayload(json: string): EncodedPayload {
  const raw = Buffer.from(json, "utf8");
  if (raw.length <= DEFLATE_THRESHOLD_BYTES) return { encoding: PayloadEncoding.utf8, size: raw.length, bytes: raw };
  // Level 1: most of the size win at a fraction of the CPU; this runs on the ingest path.
  const packed = deflateRawSync(raw, { level: constants.Z_BEST_SPEED });
  if (packed.length >= raw.length) return { encoding: PayloadEncoding.utf8, size: raw.length, bytes: raw };
  return { encoding: PayloadEncoding.deflateRaw, size: raw.length, bytes: packed };
}

export function decodePayload(encoding: number, bytes: Buffer | null): unknown {
  if (!bytes) return null;
  const raw = encoding === PayloadEncoding.deflateRaw ? inflateRawSync(bytes) : bytes;
  return JSON.parse(raw.toString("utf8"));
}

/**
 * Payloads already encoded off the event loop (by the writer's compressor), by event. The store takes an event's
 * encoding from here when present, so the work is not done twice; a WeakMap, so nothing outlives its event.
 */
const preEncoded = new WeakMap<object, { json: string; payload: EncodedPayload }>();

export function setPreEncodedPayload(event: { payloadJson: string }, payload: EncodedPayload): void {
  preEncoded.set(event, { json: event.payloadJson, payload });
}

/** The event's payload encoding: the pre-encoded one when the compressor did it (for this very JSON), else now. */
export function encodeEventPayload(event: { payloadJson: string }): EncodedPayload {
  const ready = preEncoded.get(event);
  return ready && ready.json === event.payloadJson ? ready.payload : encodePayload(event.payloadJson);
}
