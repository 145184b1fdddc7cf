/**
 * The live roster's view of what each agent is doing (current tool, last event time), from a subscription to
 * just the event types that tell (ACTIVITY_TYPES), resumed from the page's `lastSeq`. Bursts are applied once
 * per frame through the pure `applyActivity`.
 */
import { createEffect, createSignal, on, onCleanup, type Accessor } from "solid-js";
import type { TimelineEvent } from "../api/types.ts";
import { useApi } from "../providers/api.tsx";
import { useConnection } from "../providers/connection.tsx";
import { ACTIVITY_TYPES, applyActivity, emptyActivity, type ActivityState } from "./activity.ts";
import { createFrameBatcher } from "./frame-batcher.ts";

export function createSessionActivity(sessionId: Accessor<string>): Accessor<ActivityState> {
  const api = useApi();
  const connection = useConnection();
  const [state, setState] = createSignal<ActivityState>(emptyActivity);
  const batcher = createFrameBatcher<TimelineEvent>((events) => setState((s) => applyActivity(s, events)));
  let stop: (() => void) | null = null;
  let generation = 0;

  async function start(id: string) {
    const gen = ++generation;
    stop?.();
    stop = null;
    batcher.clear();
    setState(emptyActivity);
    if (!id) return;
    try {
      const types = [...ACTIVITY_TYPES];
      const page = await api.event.timeline.query({ sessionId: id, types, limit: 500 });
      if (gen !== generation) return;
      setState(applyActivity(emptyActivity, page.events));
      const tracker = connection.track();
      const subscription = api.event.subscribe.subscribe(
        { sessionId: id, types, lastEventId: String(Math.max(page.lastSeq, page.events.at(-1)?.seq ?? 0)) },
        {
          onStarted: tracker.onStarted,
          onConnectionStateChange: tracker.onConnectionStateChange,
          onError: tracker.onError,
          onData: ({ data }) => {
            if (gen === generation) batcher.push(data);
          },
        },
      );
      stop = () => {
        subscription.unsubscribe();
        tracker.dispose();
      };
    } catch {
      // The roster still shows each agent's row; only the live activity line is missing.
    }
  }

  createEffect(on(sessionId, (id) => void start(id)));
  onCleanup(() => {
    generation++;
    stop?.();
    batcher.clear();
  });
  return state;
}
