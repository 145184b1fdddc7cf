/**
 * A byte budget for one output stream in one turn. Output past the budget is dropped, but never silently: the
 * first overflow is reported once (`justTruncated`) so the driver can emit a single "truncated" marker, and the
 * dropped byte count stays available for the turn's summary.
 */
export interface CapResult {
  /** The part of the chunk that fits in the budget ("" when nothing fits). */
  kept: string;
  /** True exactly once: on the chunk that first overflowed the budget. */
  justTruncated: boolean;
}

export class OutputCap {
  private usedBytes = 0;
  private dropped = 0;

  constructor(readonly maxBytes: number) {
    if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new RangeError("maxBytes must be a non-negative integer");
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  get keptBytes(): number {
    return this.usedBytes;
  }

  get droppedBytes(): number {
    return this.dropped;
  }

  take(text: string): CapResult {
    const bytes = Buffer.byteLength(text);
    const room = this.maxBytes - this.usedBytes;
    if (bytes <= room) {
      this.usedBytes += bytes;
      return { kept: text, justTruncated: false };
    }
    const wasTruncated = this.truncated;
    const kept = room > 0 ? utf8Prefix(text, room) : "";
    const keptBytes = Buffer.byteLength(kept);
    this.usedBytes += keptBytes;
    this.dropped += bytes - keptBytes;
    return { kept, justTruncated: !wasTruncated };
  }
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes` (never splits a character). */
function utf8Prefix(text: string, maxBytes: number): string {
  const encoded = Buffer.from(text, "utf8").subarray(0, maxBytes);
  let end = encoded.length;
  // Step back over a trailing, incomplete multi-byte sequence (continuation bytes are 10xxxxxx).
  let back = end - 1;
  while (back >= 0 && ((encoded[back] ?? 0) & 0xc0) === 0x80) back--;
  if (back >= 0) {
    const lead = encoded[back] ?? 0;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (end - back < need) end = back;
  }
  return encoded.subarray(0, end).toString("utf8");
}
