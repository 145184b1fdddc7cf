import { createContext, createEffect, createSignal, on, onCleanup, onMount, useContext, type Accessor, type ParentProps } from "solid-js";
import type { Permission, PermissionAnswer } from "../api/types.ts";
import { newCommandKey } from "../state/commands.ts";
import { applyPermissionUpdate, sortInbox, withoutRequest } from "../state/permission-inbox.ts";
import { timedCommand } from "../lib/telemetry.ts";
import { useApi } from "./api.tsx";
import { useConnection } from "./connection.tsx";

interface Inbox {
  /** Pending requests across all sessions, oldest first. */
  pending: Accessor<readonly Permission[]>;
  loaded: Accessor<boolean>;
  error: Accessor<unknown>;
  refresh(): Promise<void>;
  /** Answers a request; it leaves the inbox at once and comes back if the answer is refused. */
  respond(request: Permission, answer: PermissionAnswer): Promise<void>;
  /** Called with each request that newly arrives (for notifications). */
  onAdded(listener: (request: Permission) => void): () => void;
}

const InboxContext = createContext<Inbox>();

/**
 * The permission inbox, app-wide: `permission.list({ status: "pending" })`, then kept current from the control
 * feed through a pure reducer. Re-read after the socket reconnects (the server may have restarted and
 * cancelled what was pending).
 */
export function PermissionsProvider(props: ParentProps) {
  const api = useApi();
  const connection = useConnection();
  const [pending, setPending] = createSignal<readonly Permission[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const listeners = new Set<(request: Permission) => void>();
  /** Answered here and not yet confirmed by the feed: a stale re-read must not bring them back. */
  const answering = new Set<string>();

  let reading: Promise<void> | null = null;
  function refresh(): Promise<void> {
    reading ??= (async () => {
      try {
        const list = await api.permission.list.query({ status: "pending", limit: 500 });
        setPending(sortInbox(list.filter((p) => !answering.has(p.id))));
        setError(null);
        setLoaded(true);
      } catch (err) {
        setError(err);
      } finally {
        reading = null;
      }
    })();
    return reading;
  }

  onMount(() => void refresh());
  createEffect(
    on(connection.status, (status, previous) => {
      if (status === "live" && previous !== undefined && previous !== "live" && previous !== "connecting") void refresh();
    }),
  );

  // A listener like an event handler: it reads the current pending list each time an update arrives.
  // eslint-disable-next-line solid/reactivity
  const stop = connection.onControlUpdate((update) => {
    const result = applyPermissionUpdate(pending(), update);
    if (result.pending !== pending()) setPending(result.pending.filter((p) => !answering.has(p.id)));
    if (result.added && !answering.has(result.added.id)) for (const listener of listeners) listener(result.added);
    if (update.entity === "permission" && update.status !== "pending") answering.delete(update.id);
    if (result.refetch) void refresh();
  });
  onCleanup(stop);

  async function respond(request: Permission, answer: PermissionAnswer): Promise<void> {
    answering.add(request.id);
    setPending((list) => withoutRequest(list, request.id));
    const name = answer.behavior === "deny" ? "permission.deny" : answer.updatedInput ? "permission.allow_edited" : answer.forSession ? "permission.allow_session" : "permission.allow";
    try {
      await timedCommand(api, name, () => api.agent.respondPermission.mutate({ requestId: request.id, answer, idempotencyKey: newCommandKey() }));
    } catch (err) {
      answering.delete(request.id);
      // Still pending on the server? Then it comes back; otherwise (answered elsewhere, timed out) it stays gone.
      await refresh();
      throw err;
    }
  }

  const inbox: Inbox = {
    pending,
    loaded,
    error,
    refresh,
    respond,
    onAdded(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return <InboxContext.Provider value={inbox}>{props.children}</InboxContext.Provider>;
}

export function usePermissions(): Inbox {
  const inbox = useContext(InboxContext);
  if (!inbox) throw new Error("usePermissions() must be called inside <PermissionsProvider>");
  return inbox;
}
