/**
 * Splits a byte stream into lines without unbounded buffering. A line longer than `maxLineBytes` is delivered cut
 * at the limit with `truncated: true`, and the rest of it (up to the next newline) is dropped.
 */
export type LineHandler = (line: string, info: { truncated: boolean }) => void;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True while we are skipping the tail of an over-long line. */
  private discarding = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: LineHandler,
  ) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes <= 0) throw new RangeError("maxLineBytes must be a positive integer");
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      this.append(chunk.subarray(start, end));
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  }

  /** Delivers a final line that had no trailing newline (call at end of stream). */
  flush(): void {
    if (this.pendingBytes > 0) this.endLine();
    this.discarding = false;
  }

  private append(part: Buffer): void {
    if (this.discarding || part.length === 0) return;
    const room = this.maxLineBytes - this.pendingBytes;
    if (part.length <= room) {
      this.pending.push(part);
      this.pendingBytes += part.length;
      return;
    }
    this.pending.push(part.subarray(0, room));
    this.pendingBytes += room;
    this.emit(true);
    this.discarding = true;
  }

  private endLine(): void {
    if (this.discarding) this.discarding = false;
    else this.emit(false);
  }

  private emit(truncated: boolean): void {
    let line = Buffer.concat(this.pending, this.pendingBytes).toString("utf8");
    this.pending = [];
    this.pendingBytes = 0;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    this.onLine(line, { truncated });
  }
}
