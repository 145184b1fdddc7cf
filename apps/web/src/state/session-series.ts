/**
 * The session's activity and cost over time, for the charts: its whole history read page by page (see
 * `history.ts`), then live events from the subscription, all folded into bounded time buckets (`series.ts`).
 */
import { createEffect, createSignal, on, onCleanup, type Accessor } from "solid-js";
import type { TimelineEvent } from "../api/types.ts";
import { useApi } from "../providers/api.tsx";
import { useConnection } from "../providers/connection.tsx";
import { createFrameBatcher } from "./frame-batcher.ts";
import { readHistory } from "./history.ts";
import { addToSeries, createSeries, type SeriesState } from "./series.ts";

/** Beyond this many events the charts show the earliest part plus live events (and say so). */
export const SERIES_MAX_HISTORY = 250_000;

export interface SessionSeries {
  series: Accessor<SeriesState>;
  loading: Accessor<boolean>;
  loaded: Accessor<number>;
  truncated: Accessor<boolean>;
  error: Accessor<unknown>;
}

export function createSessionSeries(sessionId: Accessor<string>): SessionSeries {
  const api = useApi();
  const connection = useConnection();
  const [series, setSeries] = createSignal<SeriesState>(createSeries());
  const [loading, setLoading] = createSignal(true);
  const [loaded, setLoaded] = createSignal(0);
  const [truncated, setTruncated] = createSignal(false);
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
    setLoaded(0);
    setTruncated(false);
    setError(null);
    try {
      const result = await readHistory(api, {
        sessionId: id,
        maxEvents: SERIES_MAX_HISTORY,
        signal: controller.signal,
        onPage(events, progress) {
          setSeries((s) => addToSeries(s, events));
          setLoaded(progress.loaded);
        },
      });
      if (controller.signal.aborted) return;
      setTruncated(result.truncated);
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
  return { series, loading, loaded, truncated, error };
}
