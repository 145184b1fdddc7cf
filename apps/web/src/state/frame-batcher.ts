/**
 * Coalesces a burst of pushes into one flush per animation frame, so a subscription delivering hundreds of events a
 * second costs one reducer run and one DOM update per frame. A hidden tab gets no frames, so there it falls back
 * to a timer; `maxBuffered` bounds memory either way by flushing early. `minIntervalMs` spaces flushes further
 * apart (a fast stream then updates the page a few times a second instead of every frame: the same events for a
 * fraction of the layout and paint).
 */
export type Scheduler = (run: () => void) => () => void;

export interface FrameBatcher<T> {
  push(item: T): void;
  /** Applies whatever is buffered now. */
  flush(): void;
  /** Drops whatever is buffered (e.g. the subscription it came from was replaced). */
  clear(): void;
  readonly pending: number;
}

export const frameScheduler: Scheduler = (run) => {
  const hidden = typeof document !== "undefined" && document.visibilityState === "hidden";
  if (!hidden && typeof requestAnimationFrame === "function") {
    const id = requestAnimationFrame(run);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(run, 250);
  return () => clearTimeout(id);
};

export function createFrameBatcher<T>(
  apply: (items: T[]) => void,
  options: { schedule?: Scheduler; maxBuffered?: number; minIntervalMs?: number; now?: () => number } = {},
): FrameBatcher<T> {
  const schedule = options.schedule ?? frameScheduler;
  const maxBuffered = options.maxBuffered ?? 10_000;
  const minIntervalMs = options.minIntervalMs ?? 0;
  const now = options.now ?? (() => performance.now());
  let buffer: T[] = [];
  let cancel: (() => void) | null = null;
  let lastFlush = Number.NEGATIVE_INFINITY;

  /** A frame came: flush, unless the last flush was too recent (then wait for a later frame). */
  function onFrame(): void {
    if (minIntervalMs > 0 && now() - lastFlush < minIntervalMs) {
      cancel = schedule(onFrame);
      return;
    }
    flush();
  }

  function flush(): void {
    cancel?.();
    cancel = null;
    if (buffer.length === 0) return;
    const items = buffer;
    buffer = [];
    if (minIntervalMs > 0) lastFlush = now();
    apply(items);
  }

  return {
    push(item) {
      buffer.push(item);
      if (buffer.length >= maxBuffered) flush();
      else cancel ??= schedule(onFrame);
    },
    flush,
    clear() {
      cancel?.();
      cancel = null;
      buffer = [];
    },
    get pending() {
      return buffer.length;
    },
  };
}
