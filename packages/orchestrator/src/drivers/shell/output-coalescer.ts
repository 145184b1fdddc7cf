export type OutputStream = "stdout" | "stderr";

export interface CoalescerOptions {
  /** Longest a chunk waits before it is emitted. */
  flushMs: number;
  /** Pending bytes that force an immediate flush. */
  maxPendingBytes: number;
}

/**
 * Batches command output into few events: a flood becomes one event per `flushMs` or per `maxPendingBytes`,
 * not one per line. Consecutive chunks of one stream merge; a switch between stdout and stderr starts a new
 * segment, so the order of the two streams survives.
 */
export class OutputCoalescer {
  private segments: { stream: OutputStream; parts: string[] }[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: CoalescerOptions,
    private readonly onFlush: (stream: OutputStream, text: string) => void,
  ) {}

  push(stream: OutputStream, text: string): void {
    if (text.length === 0) return;
    const last = this.segments.at(-1);
    if (last?.stream === stream) last.parts.push(text);
    else this.segments.push({ stream, parts: [text] });
    this.pendingBytes += Buffer.byteLength(text);
    if (this.pendingBytes >= this.options.maxPendingBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.flushMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const segments = this.segments;
    this.segments = [];
    this.pendingBytes = 0;
    for (const segment of segments) this.onFlush(segment.stream, segment.parts.join(""));
  }
}
