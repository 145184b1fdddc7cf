/**
 * Performance marks for the timeline, read by the web benchmark (bench/web.ts) and visible in the browser's
 * performance panel: `rozet:timeline-ready` when the first page is on screen, and per-flush counters for live
 * events (how many frames flushed, the largest burst applied in one frame).
 */
export interface TimelinePerf {
  firstRenderMs: number | null;
  firstRenderEvents: number;
  flushes: number;
  flushedEvents: number;
  maxFlush: number;
}

const perf: TimelinePerf = { firstRenderMs: null, firstRenderEvents: 0, flushes: 0, flushedEvents: 0, maxFlush: 0 };

declare global {
  interface Window {
    __rozetPerf?: TimelinePerf;
  }
}

if (typeof window !== "undefined") window.__rozetPerf = perf;

/** Called when a timeline's first page is in the store; marked after the next frame (when it is painted). */
export function markFirstRender(events: number): void {
  if (perf.firstRenderMs !== null || typeof performance === "undefined") return;
  perf.firstRenderEvents = events;
  const mark = () => {
    if (perf.firstRenderMs !== null) return;
    perf.firstRenderMs = performance.now();
    performance.mark("rozet:timeline-ready", { detail: { events } });
  };
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => setTimeout(mark, 0));
  else mark();
}

export function recordFlush(events: number): void {
  perf.flushes++;
  perf.flushedEvents += events;
  if (events > perf.maxFlush) perf.maxFlush = events;
}

/** For tests and the bench: start counting afresh (e.g. before a live burst). */
export function resetFlushCounters(): void {
  perf.flushes = 0;
  perf.flushedEvents = 0;
  perf.maxFlush = 0;
}
