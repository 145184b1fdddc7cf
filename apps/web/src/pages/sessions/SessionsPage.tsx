import { A, createAsync, revalidate, useSubmission } from "@solidjs/router";
import { ErrorBoundary, For, Show, Suspense, createEffect, createSignal, on, onCleanup } from "solid-js";
import type { SessionListItem } from "../../api/types.ts";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { formatCost, formatCount, formatDateTime, formatTokens } from "../../lib/format.ts";
import { useControlUpdates } from "../../providers/connection.tsx";
import { usePermissions } from "../../providers/permissions.tsx";
import { archiveSession, createSession, deleteSession, getSessions } from "./sessions.data.ts";

export function SessionsPage() {
  // Sessions and agents appearing, archived or deleted elsewhere (another tab, a hook, a script) refresh the list.
  let timer: ReturnType<typeof setTimeout> | undefined;
  useControlUpdates((update) => {
    if (update.entity !== "session" && update.entity !== "agent") return;
    timer ??= setTimeout(() => {
      timer = undefined;
      void revalidate(getSessions.key);
    }, 300);
  });
  onCleanup(() => clearTimeout(timer));

  return (
    <div class="page sessions-page">
      <div class="page-head">
        <h1>Sessions</h1>
        <button type="button" class="button ghost" onClick={() => void revalidate(getSessions.key)}>
          Refresh
        </button>
      </div>
      <CreateSessionForm />
      <ErrorBoundary fallback={(error: unknown, reset) => <ErrorNotice error={error} retry={reset} title="Could not load sessions" />}>
        <Suspense fallback={<p class="muted">Loading sessions…</p>}>
          <SessionsTable />
        </Suspense>
      </ErrorBoundary>
    </div>
  );
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

function SessionsTable() {
  const sessions = createAsync(() => getSessions());
  return (
    <Show when={sessions()} keyed={false}>
      {(list) => (
        <Show when={list().length > 0} fallback={<p class="muted empty">No sessions yet. Create one above, or send events from an agent's hooks.</p>}>
          <div class="table-wrap">
            <table class="table sessions-table">
              <caption class="visually-hidden">Sessions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Agents
                  </th>
                  <th scope="col" class="num">
                    Events
                  </th>
                  <th scope="col" class="num">
                    Cost
                  </th>
                  <th scope="col" class="num">
                    Tokens
                  </th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>{(session) => <SessionRow session={session} />}</For>
              </tbody>
            </table>
          </div>
        </Show>
      )}
    </Show>
  );
}

function SessionRow(props: { session: SessionListItem }) {
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
      <td>
        <span class="pill" data-status={props.session.status}>
          {props.session.status}
        </span>
      </td>
      <td class="num" title={`${props.session.activeAgents} active of ${props.session.agents}`}>
        {props.session.activeAgents} / {props.session.agents}
      </td>
      <td class="num">{formatCount(props.session.events)}</td>
      <td class="num">{formatCost(props.session.costUsd)}</td>
      <td class="num">{formatTokens(props.session.inputTokens, props.session.outputTokens)}</td>
      <td>
        <time datetime={props.session.createdAt}>{formatDateTime(props.session.createdAt)}</time>
      </td>
      <td class="actions">
        <Show
          when={confirming()}
          fallback={
            <>
              <Show when={props.session.status === "active"}>
                <form action={archiveSession.with(props.session.id)} method="post">
                  <button type="submit" class="button small" disabled={archiving.pending}>
                    {archiving.pending ? "Archiving…" : "Archive"}
                  </button>
                </form>
              </Show>
              <button type="button" class="button small danger" onClick={() => setConfirming(true)}>
                Delete
              </button>
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
