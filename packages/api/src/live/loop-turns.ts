/**
 * Takes turns on the event loop for long loops over stored data (subscription replays, exports). Awaiting a resolved
 * promise, or yielding from an async generator whose consumer sends synchronously (tRPC's ws adapter), never
 * returns to the event loop: a replay of 100k events held it for seconds and stalled every other request.
 *
 * Each loop turn (one setImmediate) hands the turn to one waiting loop, first come first served, which runs until
 * `budgetMs` is spent and queues again. Whatever the number of replays, pending I/O (other requests) waits at most
 * about one budget, and replays share the time fairly.
 */
export class LoopTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;
  private turnStarted = Number.NEGATIVE_INFINITY;

  constructor(private readonly budgetMs: number) {}

  /** Free while the current turn has time left; otherwise resolves at this caller's next turn. */
  pause(): Promise<void> | undefined {
    if (performance.now() - this.turnStarted < this.budgetMs) return undefined;
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turnStarted = performance.now();
      this.waiting.shift()?.();
      if (this.waiting.length) this.schedule();
    });
  }
}

/**
 * One for the process: the event loop is shared, so every long loop over stored data (subscription replays,
 * exports) shares one budget per turn. 4 ms keeps /healthz p99 under 50 ms with ten replays at once (bench/replay.ts).
 */
export const longLoopTurns = new LoopTurns(4);
