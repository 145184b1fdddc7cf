/**
 * One command's run log, live: `event.runLog` pages read forward from the start, then `event.subscribe` (filtered
 * to the command's agent, resumed from the last seq read) and the command's control updates only wake a read of
 * what came after. The subscription carries no payloads; the run log query does, so output is read once.
 */
import { createMemo, createSignal, onCleanup, untrack, type Accessor } from "solid-js";
import type { RunLogCommand, RunLogEvent } from "../api/types.ts";
import { groupRunLog, type RunGroup } from "../lib/run-log.ts";
import { useApi } from "../providers/api.tsx";
import { liveHandlers, useConnection, useControlUpdates } from "../providers/connection.tsx";

/** Events a run log keeps; a longer one says so (the rest stays in the export and the timeline). */
export const RUN_LOG_MAX_EVENTS = 20_000;
const PAGE = 200;

export interface RunLogStore {
  command: Accessor<RunLogCommand | null>;
  events: Accessor<readonly RunLogEvent[]>;
  groups: Accessor<RunGroup[]>;
  error: Accessor<unknown>;
  loading: Accessor<boolean>;
  /** Following new output (the subscription is up). */
  live: Accessor<boolean>;
  /** Stopped at RUN_LOG_MAX_EVENTS. */
  capped: Accessor<boolean>;
  retry(): void;
}

export function createRunLog(commandId: string): RunLogStore {
  const api = useApi();
  const connection = useConnection();
  const [command, setCommand] = createSignal<RunLogCommand | null>(null);
  const [events, setEvents] = createSignal<readonly RunLogEvent[]>([]);
  const [error, setError] = createSignal<unknown>(null);
  const [loading, setLoading] = createSignal(true);
  const [live, setLive] = createSignal(false);
  const [capped, setCapped] = createSignal(false);
  const groups = createMemo(() => groupRunLog(events()));

  let after = 0;
  let disposed = false;
  let reading: Promise<void> | null = null;
  let again = false;
  let stopSubscription: (() => void) | null = null;

  /** Reads every page after the cursor; a wake-up during a read runs one more read after it. */
  function read(): void {
    if (reading) {
      again = true;
      return;
    }
    reading = (async () => {
      try {
        do {
          again = false;
          for (;;) {
            const page = await api.event.runLog.query({ commandId, after, limit: PAGE });
            if (disposed) return;
            setCommand(page.command);
            after = page.nextAfter;
            if (page.events.length) {
              const next = [...events(), ...page.events];
              if (next.length >= RUN_LOG_MAX_EVENTS) setCapped(true);
              setEvents(next.slice(0, RUN_LOG_MAX_EVENTS));
            }
            if (!page.hasMore || capped()) break;
          }
        } while (again && !capped());
        setError(null);
        if (!stopSubscription && !capped()) subscribe();
      } catch (err) {
        if (!disposed) setError(err);
      } finally {
        setLoading(false);
        reading = null;
      }
    })();
  }

  function subscribe(): void {
    const c = command();
    if (!c) return;
    const tracker = connection.track();
    const subscription = api.event.subscribe.subscribe(
      { sessionId: c.sessionId, agentId: c.agentId, lastEventId: String(after) },
      {
        ...liveHandlers(tracker, setLive),
        onData({ data }) {
          if (data.commandId === commandId && data.seq > after) read();
        },
      },
    );
    stopSubscription = () => {
      subscription.unsubscribe();
      tracker.dispose();
    };
  }

  // The command's own status (running → completed / failed / cancelled) arrives as a control update.
  useControlUpdates((update) => {
    if (update.entity === "command" && update.id === commandId) read();
  });

  untrack(read);
  onCleanup(() => {
    disposed = true;
    stopSubscription?.();
  });

  return {
    command,
    events,
    groups,
    error,
    loading,
    live,
    capped,
    retry: () => {
      setError(null);
      read();
    },
  };
}
