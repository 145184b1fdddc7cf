import { brotliCompressSync, brotliDecompressSync, constants, inflateRawSync } from "node:zlib";
import { PAYLOAD_DICTIONARY_V1 } from "./payload-dictionary.ts";

/** Payloads stored on their own are compressed above this many bytes; below it the framing eats the gain. */
export const COMPRESS_THRESHOLD_BYTES = 128;

/**
 * How a payload (or a payload block) is stored. 1 is read for rows written before the dictionary. New rows use 3
 * (the payload is a slice of a PayloadBlock, see payload-blocks.ts; blocks themselves are 2) or, for large
 * payloads stored on their own, 4. Rows with 1 and 2 were written by earlier versions and stay readable.
 */
export const PayloadEncoding = { utf8: 0, deflateRaw: 1, deflateRawDictV1: 2, inBlock: 3, brotli: 4 } as const;

/** The zlib options of encoding 2 (payload blocks). */
export const DEFLATE_OPTIONS = { level: constants.Z_BEST_SPEED, dictionary: PAYLOAD_DICTIONARY_V1 };

/**
 * Encoding 4, for large payloads (≥ 8 KiB: big tool results, transcripts), shared by the event loop and the
 * compressor worker. Brotli quality 1 compresses 64 KiB of code-like JSON in ~210 µs against ~370 µs for deflate
 * level 1, at the same ratio (~3.7x); a 1 MiB window covers all but the longest transcripts.
 */
export const BROTLI_PARAMS = { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_LGWIN]: 20, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT };

export interface EncodedPayload {
  encoding: number;
  size: number;
  bytes: Buffer;
}

export function encodePayload(json: string): EncodedPayload {
  const raw = Buffer.from(json, "utf8");
  if (raw.length <= COMPRESS_THRESHOLD_BYTES) return { encoding: PayloadEncoding.utf8, size: raw.length, bytes: raw };
  const packed = brotliCompressSync(raw, { params: { ...BROTLI_PARAMS, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  if (packed.length >= raw.length) return { encoding: PayloadEncoding.utf8, size: raw.length, bytes: raw };
  return { encoding: PayloadEncoding.brotli, size: raw.length, bytes: packed };
}

export function decodePayload(encoding: number, bytes: Buffer | null): unknown {
  if (!bytes) return null;
  const raw =
    encoding === PayloadEncoding.brotli
      ? brotliDecompressSync(bytes)
      : encoding === PayloadEncoding.deflateRawDictV1
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
