/**
 * The session's activity and cost over time, for the charts: the server's histogram of its whole history (one
 * query, already in bounded buckets), then the session's live feed folded in (`series.ts`).
 */
import { createEffect, createSignal, on, onCleanup, type Accessor } from "solid-js";
import { useApi } from "../providers/api.tsx";
import { addToSeries, createSeries, type SeriesState } from "./series.ts";
import type { SessionFeed } from "./session-feed.ts";

export interface SessionSeries {
  series: Accessor<SeriesState>;
  loading: Accessor<boolean>;
  error: Accessor<unknown>;
}

export function createSessionSeries(sessionId: Accessor<string>, feed: SessionFeed): SessionSeries {
  const api = useApi();
  const [series, setSeries] = createSignal<SeriesState>(createSeries());
  const [loading, setLoading] = createSignal(true);
  const [error, setError] = createSignal<unknown>(null);
  let abort: AbortController | null = null;
  let stop: (() => void) | null = null;

  async function start(id: string) {
    abort?.abort();
    stop?.();
    stop = null;
    const controller = new AbortController();
    abort = controller;
    setSeries(createSeries());
    setLoading(true);
    setError(null);
    try {
      const result = await api.event.histogram.query({ sessionId: id, maxBuckets: createSeries().maxBuckets });
      if (controller.signal.aborted) return;
      setSeries(result);
      setLoading(false);
      stop = feed.attach(id, result.lastSeq, (events) => setSeries((s) => addToSeries(s, events)));
    } catch (err) {
      if (controller.signal.aborted) return;
      setError(err);
      setLoading(false);
    }
  }

  createEffect(on(sessionId, (id) => void start(id)));
  onCleanup(() => {
    abort?.abort();
    stop?.();
  });
  return { series, loading, error };
}
