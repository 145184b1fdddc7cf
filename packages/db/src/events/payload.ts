import { brotliDecompressSync, inflateRawSync } from "node:zlib";
import { PayloadEncoding } from "./payload-codec.mjs";
import { PAYLOAD_DICTIONARY_V1 } from "./payload-dictionary.mjs";

// Payload encoding lives in payload-codec.mjs (shared with the codec thread); TypeScript code imports it from here.
export { BLOCK_PAYLOAD_MAX_CHARS, encodeCommit, encodePayload, PayloadEncoding, type EncodedCommit, type EncodedPayload, type PayloadPlacement } from "./payload-codec.mjs";

/** The bytes of a payload or block as stored with `encoding` (not 3: a block slice is resolved by the store). */
export function decodeBytes(encoding: number, bytes: Buffer): Buffer {
  if (encoding === PayloadEncoding.brotli) return brotliDecompressSync(bytes);
  if (encoding === PayloadEncoding.deflateRawDictV1) return inflateRawSync(bytes, { dictionary: PAYLOAD_DICTIONARY_V1 });
  if (encoding === PayloadEncoding.deflateRaw) return inflateRawSync(bytes);
  return bytes;
}

export function decodePayload(encoding: number, bytes: Buffer | null): unknown {
  return bytes ? JSON.parse(decodeBytes(encoding, bytes).toString("utf8")) : null;
}
