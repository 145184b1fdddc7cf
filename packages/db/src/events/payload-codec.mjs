// Payload encoding for the event writer, in plain JavaScript so the same code runs on the event loop and on the
// codec worker thread (which loads no TypeScript). Types: payload-codec.d.mts.
import { brotliCompressSync, constants, deflateRawSync } from "node:zlib";
import { PAYLOAD_DICTIONARY_V1 } from "./payload-dictionary.mjs";

/** Stored encodings (the `payloadEncoding` column and PayloadBlock.encoding). 1 and 2 per payload are legacy. */
export const PayloadEncoding = { utf8: 0, deflateRaw: 1, deflateRawDictV1: 2, inBlock: 3, brotli: 4 };

/** Payloads shorter than this (UTF-16 units) go into blocks; longer ones are compressed on their own. */
export const BLOCK_PAYLOAD_MAX_CHARS = 8 * 1024;
/** A block is closed once it holds this many bytes, so reading one payload inflates at most ~64 KiB. */
export const BLOCK_TARGET_BYTES = 64 * 1024;
/**
 * Blocks smaller than this are deflated with the preset dictionary (encoding 2) instead of brotli: a block of ~8
 * hook payloads (what a busy session commits at a time through single-event POSTs) compresses 4.4x that way
 * against 3.8x with brotli, which has no dictionary here; from ~30 payloads up brotli matches it at ~60% of the CPU.
 */
export const BROTLI_MIN_BLOCK_BYTES = 16 * 1024;
/** Payloads stored on their own are compressed above this many bytes; below it the framing eats the gain. */
export const COMPRESS_THRESHOLD_BYTES = 128;

/**
 * Brotli quality 1, for large blocks and large payloads: 64 KiB of code-like JSON in ~210 µs against ~370 µs for
 * deflate level 1 at the same ratio (~3.7x); a block of 30 hook payloads in ~2.7 µs per payload against ~4.6 µs
 * for deflate with the preset dictionary, at 4.9x against 5.1x. A 1 MiB window covers all but the longest
 * transcripts.
 */
const BROTLI_PARAMS = {
  [constants.BROTLI_PARAM_QUALITY]: 1,
  [constants.BROTLI_PARAM_LGWIN]: 20,
  [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
};

/** One payload stored on its own. */
export function encodePayload(json) {
  return compress(Buffer.from(json, "utf8"));
}

/** Brotli above the threshold, kept only when smaller. */
function compress(raw) {
  if (raw.length <= COMPRESS_THRESHOLD_BYTES) return { encoding: PayloadEncoding.utf8, size: raw.length, bytes: raw };
  const packed = brotliCompressSync(raw, { params: { ...BROTLI_PARAMS, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  if (packed.length >= raw.length) return { encoding: PayloadEncoding.utf8, size: raw.length, bytes: raw };
  return { encoding: PayloadEncoding.brotli, size: raw.length, bytes: packed };
}

function deflateWithDictionary(raw) {
  const packed = deflateRawSync(raw, { level: constants.Z_BEST_SPEED, dictionary: PAYLOAD_DICTIONARY_V1 });
  if (packed.length >= raw.length) return { encoding: PayloadEncoding.utf8, size: raw.length, bytes: raw };
  return { encoding: PayloadEncoding.deflateRawDictV1, size: raw.length, bytes: packed };
}

/**
 * Encodes the payloads of one commit. Small payloads of the same group (session) are concatenated into blocks and
 * compressed together: one call per block instead of per payload (a zlib call costs ~20 µs on a ~1 KiB payload,
 * stream setup dominates; in a block ~2.7 µs per payload) and ~1.8x better compression. Large payloads are
 * compressed on their own. Returns the blocks and, per payload, where it went.
 */
export function encodeCommit(groups, payloads) {
  const blocks = [];
  const placements = new Array(payloads.length);
  const open = new Map();
  const close = (block) => {
    const raw = block.parts.length === 1 ? block.parts[0] : Buffer.concat(block.parts, block.size);
    blocks[block.index] = raw.length < BROTLI_MIN_BLOCK_BYTES ? deflateWithDictionary(raw) : compress(raw);
  };
  for (let i = 0; i < payloads.length; i++) {
    const json = payloads[i];
    if (json.length >= BLOCK_PAYLOAD_MAX_CHARS) {
      placements[i] = encodePayload(json);
      continue;
    }
    const raw = Buffer.from(json, "utf8");
    let block = open.get(groups[i]);
    if (block && block.size + raw.length > BLOCK_TARGET_BYTES) {
      close(block);
      block = undefined;
    }
    if (!block) {
      block = { index: blocks.length, parts: [], size: 0 };
      blocks.push(undefined);
      open.set(groups[i], block);
    }
    placements[i] = { block: block.index, offset: block.size, size: raw.length };
    block.parts.push(raw);
    block.size += raw.length;
  }
  for (const block of open.values()) close(block);
  return { blocks, placements };
}
