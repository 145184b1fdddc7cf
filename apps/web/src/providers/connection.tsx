import { createContext, createEffect, createMemo, createSignal, onCleanup, onMount, useContext, type Accessor, type ParentProps } from "solid-js";
import type { ControlUpdate } from "../api/types.ts";
import { errorMessage } from "../lib/errors.ts";
import { createGraceLatch } from "../state/grace-latch.ts";
import { useApi } from "./api.tsx";

/**
 * connecting: the socket has not opened yet · live: subscriptions confirmed by the server ·
 * reconnecting: the socket dropped (or a subscription errored) and the client is retrying ·
 * offline: a subscription gave up.
 */
export type ConnectionStatus = "connecting" | "live" | "reconnecting" | "offline";

/** tRPC's connection-state result (`onConnectionStateChange`), typed structurally so no runtime import is needed. */
interface ConnectionStateChange {
  state: "idle" | "connecting" | "pending";
  error: unknown;
}

/** Callbacks to spread into a `.subscribe()` so its state counts towards the header's indicator. */
export interface SubscriptionTracker {
  onStarted: () => void;
  onConnectionStateChange: (change: ConnectionStateChange) => void;
  onError: (error: unknown) => void;
  onStopped: () => void;
  /** Stop counting this subscription (call when unsubscribing). */
  dispose: () => void;
}

/**
 * The lifecycle handlers of a tracked subscription that also keeps a `live` flag (up and confirmed by the server);
 * spread into `.subscribe()` beside `onData`. `onError` gets the error after both are updated.
 */
export function liveHandlers(tracker: SubscriptionTracker, setLive: (live: boolean) => void, onError?: (error: unknown) => void) {
  return {
    onStarted() {
      tracker.onStarted();
      setLive(true);
    },
    onConnectionStateChange(change: ConnectionStateChange) {
      tracker.onConnectionStateChange(change);
      if (change.state === "connecting") setLive(false);
    },
    onError(error: unknown) {
      tracker.onError(error);
      setLive(false);
      onError?.(error);
    },
  };
}

interface Connection {
  status: Accessor<ConnectionStatus>;
  /** Why the connection is not live, when known. */
  lastError: Accessor<string | null>;
  /** The server has been unreachable for longer than a short grace (a quick reconnect does not count). */
  serverDown: Accessor<boolean>;
  /** Counts the times the connection came back after it was lost: what was read meanwhile may be stale or failed. */
  reconnects: Accessor<number>;
  track(): SubscriptionTracker;
  /** Lifecycle changes of sessions, agents and tasks from the app-wide `control.onUpdate` subscription. */
  onControlUpdate(listener: (update: ControlUpdate) => void): () => void;
}

const ConnectionContext = createContext<Connection>();

/** How long the socket may be down before the page says the server is unreachable (no flicker on a blip). */
export const SERVER_DOWN_GRACE_MS = 1_500;

const rank: Record<ConnectionStatus, number> = { live: 0, connecting: 1, reconnecting: 2, offline: 3 };

/**
 * Derives the connection state from the subscriptions' own callbacks (they share one WebSocket): the worst state
 * of any tracked subscription wins. It also holds one app-wide `control.onUpdate` subscription, which keeps the
 * socket open while the app is, and fans its updates out to pages.
 */
export function ConnectionProvider(props: ParentProps) {
  const api = useApi();
  const [states, setStates] = createSignal<ReadonlyMap<number, ConnectionStatus>>(new Map());
  const [lastError, setLastError] = createSignal<string | null>(null);
  let nextId = 0;

  const set = (id: number, status: ConnectionStatus | null) =>
    setStates((prev) => {
      if (status !== null && prev.get(id) === status) return prev;
      const next = new Map(prev);
      if (status === null) next.delete(id);
      else next.set(id, status);
      return next;
    });

  const status = createMemo<ConnectionStatus>(() => {
    let worst: ConnectionStatus | null = null;
    for (const s of states().values()) if (worst === null || rank[s] > rank[worst]) worst = s;
    return worst ?? "connecting";
  });

  // Only a connection that was lost (or failed with an error) counts; the first connect is not "down".
  const [serverDown, setServerDown] = createSignal(false);
  const downLatch = createGraceLatch(SERVER_DOWN_GRACE_MS, setServerDown);
  createEffect(() => downLatch.update(status() === "reconnecting" || status() === "offline"));
  onCleanup(() => downLatch.dispose());
  const [reconnects, setReconnects] = createSignal(0);
  let lost = false;
  createEffect(() => {
    const now = status();
    if (now === "reconnecting" || now === "offline") lost = true;
    else if (now === "live" && lost) {
      lost = false;
      setReconnects((n) => n + 1);
    }
  });

  function track(): SubscriptionTracker {
    const id = nextId++;
    set(id, "connecting");
    let everLive = false;
    return {
      onStarted() {
        everLive = true;
        setLastError(null);
        set(id, "live");
      },
      onConnectionStateChange(change) {
        if (change.state === "pending") {
          // The socket is open; the subscription is (re)started on it and `onStarted` follows.
          if (everLive) set(id, "live");
        } else if (change.state === "connecting") {
          if (change.error) setLastError(errorMessage(change.error));
          set(id, change.error || everLive ? "reconnecting" : "connecting");
        }
      },
      onError(error) {
        setLastError(errorMessage(error));
        set(id, "offline");
      },
      onStopped() {
        set(id, null);
      },
      dispose() {
        set(id, null);
      },
    };
  }

  const listeners = new Set<(update: ControlUpdate) => void>();
  onMount(() => {
    const tracker = track();
    const subscription = api.control.onUpdate.subscribe(
      {},
      {
        onStarted: tracker.onStarted,
        onConnectionStateChange: tracker.onConnectionStateChange,
        onError: tracker.onError,
        onData: ({ data }) => {
          for (const listener of listeners) listener(data);
        },
      },
    );
    onCleanup(() => {
      subscription.unsubscribe();
      tracker.dispose();
    });
  });

  const connection: Connection = {
    status,
    lastError,
    serverDown,
    reconnects,
    track,
    onControlUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return <ConnectionContext.Provider value={connection}>{props.children}</ConnectionContext.Provider>;
}

export function useConnection(): Connection {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error("useConnection() must be called inside <ConnectionProvider>");
  return connection;
}

/** Subscribes a component to control updates for as long as it is mounted. */
export function useControlUpdates(listener: (update: ControlUpdate) => void): void {
  const connection = useConnection();
  const stop = connection.onControlUpdate(listener);
  onCleanup(stop);
}
