import type { Logger } from "@rozet/vocabulary";

export interface StatsTickerOptions<Stats> {
  /** Reads one session's live totals (a store read: it may throw once the store is closed). */
  read: (sessionId: string) => Promise<Stats>;
  publish: (sessionId: string, stats: Stats) => void;
  log: Logger;
  intervalMs?: number;
}

/**
 * Live totals for the pages: at most one update per session per interval, however fast events arrive. Owned by
 * the control room, which stops it before the store closes; a read that fails anyway (the store closed under it,
 * as after a crash) is logged and the tick goes on, never thrown into a timer.
 */
export class StatsTicker<Stats> {
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: StatsTickerOptions<Stats>) {}

  markDirty(sessionId: string): void {
    this.dirty.add(sessionId);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.options.log.warn({ err: error }, "live totals tick failed"));
    }, this.options.intervalMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.dirty.clear();
  }

  /** One pass over the sessions that changed since the last one. */
  /** Never rejects: failures are logged. */
  async tick(): Promise<void> {
    const sessions = [...this.dirty];
    this.dirty.clear();
    for (const sessionId of sessions) {
      try {
        this.options.publish(sessionId, await this.options.read(sessionId));
      } catch (error) {
        this.options.log.warn({ err: error, sessionId }, "live totals not published");
      }
    }
  }
}
