import type { Statement } from "better-sqlite3";
import type { SqliteDatabase } from "../sqlite.ts";
import { decodeBytes } from "./payload.ts";

/**
 * Small payloads are stored in blocks (see encodeCommit in payload-codec.mjs): the event row keeps the block id
 * and the payload's offset in the inflated block. This keeps inflated blocks by id, a few at a time: reading a
 * page of events touches each block once, not once per event. Block ids are never reused, so a cached block can
 * never be confused with a newer one.
 */
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

  private block(id: number): Buffer | undefined {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const row = this.select.get(id) as { encoding: number; bytes: Buffer } | undefined;
    if (!row) return undefined;
    const raw = decodeBytes(row.encoding, row.bytes);
    if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, raw);
    return raw;
  }
}
