import { deflateRawSync, inflateRawSync, constants } from "node:zlib";
import { PAYLOAD_DICTIONARY_V1 } from "./payload-dictionary.ts";

/**
 * Payloads above this many bytes are deflated. With the preset dictionary even a typical ~1 KiB hook payload
 * shrinks by half or more; below this size the deflate framing eats the gain.
 */
export const DEFLATE_THRESHOLD_BYTES = 128;

/**
 * How a payload (or a payload block) is stored. 1 is read for rows written before the dictionary. New rows use 3
 * (the payload is a slice of a PayloadBlock, see payload-blocks.ts) or, for large payloads, 2.
 */
export const PayloadEncoding = { utf8: 0, deflateRaw: 1, deflateRawDictV1: 2, inBlock: 3 } as const;

/** The zlib options of encoding 2, shared by the event loop and the compressor worker. */
export const DEFLATE_OPTIONS = { level: constants.Z_BEST_SPEED, dictionary: PAYLOAD_DICTIONARY_V1 };

export interface EncodedPayload {
  encoding: number;
  size: number;
  bytes: Buffer;
}

export function encodePayload(json: string): EncodedPayload {
  const raw = Buffer.from(json, "utf8");
  if (raw.length <= DEFLATE_THRESHOLD_BYTES) return { encoding: PayloadEncoding.utf8, size: raw.length, bytes: raw };
  // Level 1: most of the size win at a fraction of the CPU; this runs on the ingest path.
  const packed = deflateRawSync(raw, DEFLATE_OPTIONS);
  if (packed.length >= raw.length) return { encoding: PayloadEncoding.utf8, size: raw.length, bytes: raw };
  return { encoding: PayloadEncoding.deflateRawDictV1, size: raw.length, bytes: packed };
}

export function decodePayload(encoding: number, bytes: Buffer | null): unknown {
  if (!bytes) return null;
  const raw =
    encoding === PayloadEncoding.deflateRawDictV1
      ? inflateRawSync(bytes, { dictionary: PAYLOAD_DICTIONARY_V1 })
      : encoding === PayloadEncoding.deflateRaw
        ? inflateRawSync(bytes)
        : bytes;
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
