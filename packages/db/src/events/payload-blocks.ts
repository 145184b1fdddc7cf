import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Statement } from "better-sqlite3";
import type { SqliteDatabase } from "../sqlite.ts";
import { DEFLATE_OPTIONS, PayloadEncoding } from "./payload.ts";
import { PAYLOAD_DICTIONARY_V1 } from "./payload-dictionary.ts";

/**
 * Small payloads are stored in blocks: the payloads of one session committed in one transaction, concatenated and
 * deflated together. Per payload, a zlib call costs ~20 µs whatever its size (stream setup dominates for ~1 KiB),
 * while a 64 KiB block costs ~5 µs per payload and compresses ~1.7x better (payloads of one session repeat each
 * other's keys, paths and ids). The event row keeps the block id and the payload's offset in the inflated block.
 */

/** Payloads shorter than this go into blocks; longer ones are deflated on their own (on the compressor worker). */
export const BLOCK_PAYLOAD_MAX_CHARS = 8 * 1024;
/** A block is closed once it holds this many bytes, so reading one payload inflates at most ~64 KiB. */
export const BLOCK_TARGET_BYTES = 64 * 1024;

interface OpenBlock {
  id: number;
  parts: Buffer[];
  bytes: number;
}

/** Builds the blocks of one transaction. Ids are allocated here (MAX(id) + 1 at start), so rows can name them. */
export class PayloadBlockBuilder {
  private readonly open = new Map<string, OpenBlock>();
  private nextId: number;

  constructor(
    private readonly insertBlock: Statement,
    lastBlockId: number,
  ) {
    this.nextId = lastBlockId + 1;
  }

  /** Where a payload of `size` bytes for this session will go; call add() once its event row is stored. */
  place(sessionId: string, size: number): { blockId: number; offset: number } {
    let block = this.open.get(sessionId);
    if (block && block.bytes > 0 && block.bytes + size > BLOCK_TARGET_BYTES) {
      this.write(block);
      block = undefined;
    }
    if (!block) {
      block = { id: this.nextId++, parts: [], bytes: 0 };
      this.open.set(sessionId, block);
    }
    return { blockId: block.id, offset: block.bytes };
  }

  add(sessionId: string, raw: Buffer): void {
    const block = this.open.get(sessionId)!;
    block.parts.push(raw);
    block.bytes += raw.length;
  }

  /** Writes every open block that holds payloads (a block whose events were all duplicates is never written). */
  finish(): void {
    for (const block of this.open.values()) if (block.bytes > 0) this.write(block);
    this.open.clear();
  }

  private write(block: OpenBlock): void {
    const raw = block.parts.length === 1 ? block.parts[0]! : Buffer.concat(block.parts, block.bytes);
    const packed = deflateRawSync(raw, DEFLATE_OPTIONS);
    const stored = packed.length < raw.length;
    this.insertBlock.run(block.id, stored ? PayloadEncoding.deflateRawDictV1 : PayloadEncoding.utf8, raw.length, stored ? packed : raw);
    block.parts = [];
    block.bytes = 0;
  }
}

/** Inflated blocks by id, a few at a time: reading a page of events touches each block once, not once per event. */
export class PayloadBlockReader {
  private readonly cache = new Map<number, Buffer>();
  private readonly select: Statement;

  constructor(
    db: SqliteDatabase,
    private readonly capacity = 16,
  ) {
    this.select = db.prepare(`SELECT encoding, bytes FROM PayloadBlock WHERE id = ?`);
  }

  slice(blockId: number, offset: number, size: number): Buffer | null {
    const block = this.block(blockId);
    return block ? block.subarray(offset, offset + size) : null;
  }

  forget(): void {
    this.cache.clear();
  }

  private block(id: number): Buffer | undefined {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const row = this.select.get(id) as { encoding: number; bytes: Buffer } | undefined;
    if (!row) return undefined;
    const raw = row.encoding === PayloadEncoding.deflateRawDictV1 ? inflateRawSync(row.bytes, { dictionary: PAYLOAD_DICTIONARY_V1 }) : row.bytes;
    if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, raw);
    return raw;
  }
}
