import { A, createAsync, revalidate, useSearchParams, useSubmission } from "@solidjs/router";
import { ErrorBoundary, For, Show, Suspense, createEffect, createMemo, createSignal, on, onCleanup } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";
import type { ControlUpdate, SessionListItem } from "../../api/types.ts";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { formatCost, formatCount, formatDateTime, formatTokens } from "../../lib/format.ts";
import { useAccess } from "../../providers/access.tsx";
import { useControlUpdates } from "../../providers/connection.tsx";
import { usePermissions } from "../../providers/permissions.tsx";
import { formatAge } from "../../state/activity.ts";
import { createFrameBatcher } from "../../state/frame-batcher.ts";
import {
  SESSION_SORTS,
  applySessionListUpdates,
  readSessionListView,
  sessionListSearch,
  visibleSessions,
  type SessionListView,
} from "../../state/sessions-list.ts";
import { archiveSession, createSession, deleteSession, getSessions } from "./sessions.data.ts";
import "./sessions.css";
import { DataTable } from "../../components/DataTable.tsx";

/** A re-read of `session.list` (new sessions, agent counts) waits this long, so a burst of changes costs one. */
const REFETCH_DELAY_MS = 300;

export function SessionsPage() {
  const access = useAccess();
  const [search, setSearch] = useSearchParams<{ q?: string; sort?: string }>();
  const view = createMemo(() => readSessionListView(search));
  const setView = (change: Partial<SessionListView>) => setSearch(sessionListSearch({ ...view(), ...change }), { replace: true });

  return (
    <div class="page sessions-page">
      <div class="page-head">
        <h1>Sessions</h1>
        <button type="button" class="button ghost" onClick={() => void revalidate(getSessions.key)}>
          Refresh
        </button>
      </div>
      <Show when={access.canChangeSessions()}>
        <CreateSessionForm />
      </Show>
      <div class="sessions-controls" role="search" aria-label="Sessions">
        <label for="session-search" class="visually-hidden">
          Search sessions
        </label>
        <input
          id="session-search"
          type="search"
          placeholder="Search by name or id"
          autocomplete="off"
          value={view().q}
          onInput={(event) => setView({ q: event.currentTarget.value })}
        />
        <label for="session-sort">Sort by</label>
        <select id="session-sort" value={view().sort} onChange={(event) => setView({ sort: readSessionListView({ sort: event.currentTarget.value }).sort })}>
          <For each={SESSION_SORTS}>{(sort) => <option value={sort.id}>{sort.label}</option>}</For>
        </select>
      </div>
      <ErrorBoundary fallback={(error: unknown, reset) => <ErrorNotice error={error} retry={reset} title="Could not load sessions" />}>
        <Suspense fallback={<p class="muted">Loading sessions…</p>}>
          <SessionsTable view={view()} />
        </Suspense>
      </ErrorBoundary>
    </div>
  );
}

/** One tick every few seconds, for "12 s ago". */
function createNow(intervalMs = 5_000) {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}

/**
 * `session.list`, then kept live: control updates are coalesced per frame and applied by one pure reducer
 * (totals and last activity from the per-session "stats" updates, renames, archives, removals); what the updates
 * cannot describe (a new session, agent counts) re-reads the list once per burst.
 */
function createLiveSessions() {
  const fetched = createAsync(() => getSessions());
  const [list, setList] = createStore<SessionListItem[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  createEffect(() => {
    let rows: SessionListItem[] | undefined;
    try {
      rows = fetched();
    } catch {
      return; // shown by the ErrorBoundary around the table
    }
    if (!rows) return;
    setList(reconcile(rows, { key: "id" }));
    setLoaded(true);
  });

  let refetchTimer: ReturnType<typeof setTimeout> | undefined;
  const batcher = createFrameBatcher<ControlUpdate>((updates) => {
    const result = applySessionListUpdates(unwrap(list), updates);
    if (result.list !== unwrap(list)) setList(reconcile(result.list, { key: "id" }));
    if (result.refetch) {
      refetchTimer ??= setTimeout(() => {
        refetchTimer = undefined;
        void revalidate(getSessions.key);
      }, REFETCH_DELAY_MS);
    }
  });
  useControlUpdates((update) => batcher.push(update));
  onCleanup(() => {
    batcher.clear();
    clearTimeout(refetchTimer);
  });
  // Reading `fetched` lets the surrounding Suspense and ErrorBoundary show loading and failures.
  return { list, loaded: () => (fetched(), loaded()) };
}

function CreateSessionForm() {
  const submission = useSubmission(createSession);
  let form: HTMLFormElement | undefined;
  // Clear the name once a session was created; on failure keep it so it can be fixed.
  createEffect(on(() => submission.result, (result) => result && form?.reset(), { defer: true }));
  return (
    <section class="card" aria-labelledby="create-session-title">
      <h2 id="create-session-title" class="card-title">
        New session
      </h2>
      <form
        ref={form}
        action={createSession}
        method="post"
        class="inline-form"
      >
        <label for="session-name">Name</label>
        <input id="session-name" name="name" required maxlength="120" placeholder="e.g. refactor-auth" autocomplete="off" />
        <button type="submit" class="button primary" disabled={submission.pending}>
          {submission.pending ? "Creating…" : "Create session"}
        </button>
      </form>
      <Show when={submission.error !== undefined && submission.error !== null}>
        <p class="field-error" role="alert">
          {errorMessage(submission.error)}{" "}
          <button type="button" class="link-button" onClick={() => submission.clear?.()}>
            Dismiss
          </button>
        </p>
      </Show>
    </section>
  );
}

const SESSION_COLUMNS = [
  { label: "Name" },
  { label: "Status" },
  { label: "Agents", numeric: true },
  { label: "Events", numeric: true },
  { label: "Cost", numeric: true },
  { label: "Tokens", numeric: true },
  { label: "Last activity" },
  { label: "Created" },
  { label: "Actions", hidden: true },
];

function SessionsTable(props: { view: SessionListView }) {
  const sessions = createLiveSessions();
  const shown = createMemo(() => visibleSessions(sessions.list, props.view));
  const now = createNow();
  const sortLabel = () => SESSION_SORTS.find((s) => s.id === props.view.sort)?.label.toLowerCase() ?? "";
  return (
    <Show when={sessions.loaded()}>
      <Show when={sessions.list.length > 0} fallback={<p class="muted empty">No sessions yet. Create one above, or send events from an agent's hooks.</p>}>
        <Show when={shown().length > 0} fallback={<p class="muted empty">No session matches “{props.view.q}”.</p>}>
          <DataTable class="sessions-table" caption={`Sessions, sorted by ${sortLabel()}`} columns={SESSION_COLUMNS}>
                <For each={shown()}>{(session) => <SessionRow session={session} now={now()} />}</For>
          </DataTable>
        </Show>
      </Show>
    </Show>
  );
}

function SessionRow(props: { session: SessionListItem; now: number }) {
  const access = useAccess();
  const inbox = usePermissions();
  const waiting = () => inbox.pending().filter((p) => p.sessionId === props.session.id).length;
  const [confirming, setConfirming] = createSignal(false);
  const archiving = useSubmission(archiveSession, ([id]) => id === props.session.id);
  const deleting = useSubmission(deleteSession, ([id]) => id === props.session.id);
  const error = (): unknown => archiving.error ?? deleting.error;
  return (
    <tr classList={{ archived: props.session.status === "archived" }}>
      <th scope="row">
        <A href={`/sessions/${encodeURIComponent(props.session.id)}`}>{props.session.name}</A>
        <Show when={waiting() > 0}>
          {" "}
          <A href="/permissions" class="waiting-link small" title="Permission requests waiting in this session">
            {waiting()} waiting for permission
          </A>
        </Show>
        <Show when={error()}>
          <div class="field-error" role="alert">
            {errorMessage(error())}
          </div>
        </Show>
      </th>
      <td data-label="Status">
        <span class="pill" data-status={props.session.status}>
          {props.session.status}
        </span>
      </td>
      <td class="num" data-label="Agents" title={`${props.session.activeAgents} active of ${props.session.agents}`}>
        {props.session.activeAgents} / {props.session.agents}
      </td>
      <td class="num" data-label="Events">
        {formatCount(props.session.events)}
      </td>
      <td class="num" data-label="Cost">
        {formatCost(props.session.costUsd)}
      </td>
      <td class="num" data-label="Tokens">
        {formatTokens(props.session.inputTokens, props.session.outputTokens)}
      </td>
      <td data-label="Last activity" class="last-activity">
        <Show when={props.session.lastEventAt} fallback={<span class="muted">no events yet</span>}>
          {(at) => (
            <time datetime={new Date(at()).toISOString()} title={formatDateTime(at())}>
              {formatAge(props.now - at())} ago
            </time>
          )}
        </Show>
      </td>
      <td data-label="Created">
        <time datetime={props.session.createdAt}>{formatDateTime(props.session.createdAt)}</time>
      </td>
      <td class="actions">
        <Show
          when={confirming()}
          fallback={
            <>
              <Show when={props.session.status === "active" && access.canChangeSessions()}>
                <form action={archiveSession.with(props.session.id)} method="post">
                  <button type="submit" class="button small" disabled={archiving.pending}>
                    {archiving.pending ? "Archiving…" : "Archive"}
                  </button>
                </form>
              </Show>
              <Show when={access.isAdmin()}>
                <button type="button" class="button small danger" onClick={() => setConfirming(true)}>
                  Delete
                </button>
              </Show>
            </>
          }
        >
          <span class="confirm" role="group" aria-label={`Confirm deleting ${props.session.name}`}>
            <span>Delete with all its events?</span>
            <form action={deleteSession.with(props.session.id)} method="post">
              <button type="submit" class="button small danger" disabled={deleting.pending} autofocus>
                {deleting.pending ? "Deleting…" : "Yes, delete"}
              </button>
            </form>
            <button type="button" class="button small" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        </Show>
      </td>
    </tr>
  );
}
