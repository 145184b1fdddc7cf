/**
 * The live roster's view of what each agent is doing (current tool, last event time): the newest events of the
 * types that tell (ACTIVITY_TYPES), then those types from the session's live feed, applied through the pure
 * `applyActivity`.
 */
import { createEffect, createSignal, on, onCleanup, type Accessor } from "solid-js";
import { useApi } from "../providers/api.tsx";
import { ACTIVITY_TYPES, applyActivity, emptyActivity, type ActivityState } from "./activity.ts";
import type { SessionFeed } from "./session-feed.ts";

export function createSessionActivity(sessionId: Accessor<string>, feed: SessionFeed): Accessor<ActivityState> {
  const api = useApi();
  const [state, setState] = createSignal<ActivityState>(emptyActivity);
  const types = [...ACTIVITY_TYPES];
  const tells = new Set<string>(types);
  let stop: (() => void) | null = null;
  let generation = 0;

  async function start(id: string) {
    const gen = ++generation;
    stop?.();
    stop = null;
    setState(emptyActivity);
    if (!id) return;
    try {
      const page = await api.event.timeline.query({ sessionId: id, types, limit: 500 });
      if (gen !== generation) return;
      setState(applyActivity(emptyActivity, page.events));
      stop = feed.attach(id, Math.max(page.lastSeq, page.events.at(-1)?.seq ?? 0), (events) => {
        const relevant = events.filter((event) => tells.has(event.type));
        if (relevant.length > 0) setState((s) => applyActivity(s, relevant));
      });
    } catch {
      // The roster still shows each agent's row; only the live activity line is missing.
    }
  }

  createEffect(on(sessionId, (id) => void start(id)));
  onCleanup(() => {
    generation++;
    stop?.();
  });
  return state;
}
