/**
 * The session's activity and cost over time, for the charts: the server's histogram of its whole history (one
 * query, already in bounded buckets), then live events from the subscription folded in (`series.ts`).
 */
import { createEffect, createSignal, on, onCleanup, type Accessor } from "solid-js";
import type { TimelineEvent } from "../api/types.ts";
import { useApi } from "../providers/api.tsx";
import { useConnection } from "../providers/connection.tsx";
import { createFrameBatcher } from "./frame-batcher.ts";
import { addToSeries, createSeries, type SeriesState } from "./series.ts";

export interface SessionSeries {
  series: Accessor<SeriesState>;
  loading: Accessor<boolean>;
  error: Accessor<unknown>;
}

export function createSessionSeries(sessionId: Accessor<string>): SessionSeries {
  const api = useApi();
  const connection = useConnection();
  const [series, setSeries] = createSignal<SeriesState>(createSeries());
  const [loading, setLoading] = createSignal(true);
  const [error, setError] = createSignal<unknown>(null);
  const batcher = createFrameBatcher<TimelineEvent>((events) => setSeries((s) => addToSeries(s, events)));
  let abort: AbortController | null = null;
  let stop: (() => void) | null = null;

  async function start(id: string) {
    abort?.abort();
    stop?.();
    stop = null;
    batcher.clear();
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
      const tracker = connection.track();
      const subscription = api.event.subscribe.subscribe(
        { sessionId: id, lastEventId: String(result.lastSeq) },
        {
          onStarted: tracker.onStarted,
          onConnectionStateChange: tracker.onConnectionStateChange,
          onError: tracker.onError,
          onData: ({ data }) => {
            if (abort === controller) batcher.push(data);
          },
        },
      );
      stop = () => {
        subscription.unsubscribe();
        tracker.dispose();
      };
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
    batcher.clear();
  });
  return { series, loading, error };
}
