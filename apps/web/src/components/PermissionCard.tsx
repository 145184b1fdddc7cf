import { useAccess } from "../providers/access.tsx";
import { A } from "@solidjs/router";
import { For, Show, createMemo, createSignal, createUniqueId, onCleanup, untrack } from "solid-js";
import type { Permission, PermissionAnswer } from "../api/types.ts";
import { formatAge } from "../state/activity.ts";
import { errorMessage } from "../lib/errors.ts";
import { proposedChanges } from "../lib/tool-diff.ts";
import { usePermissions } from "../providers/permissions.tsx";
import { useToasts } from "../providers/toasts.tsx";
import { DiffView } from "./DiffView.tsx";

/** One tick a second for "2 min ago" / "expires in" (shared by every card). */
const [now, setNow] = createSignal(Date.now());
let tickers = 0;
let tickTimer: ReturnType<typeof setInterval> | undefined;
function useNow() {
  if (tickers++ === 0) tickTimer = setInterval(() => setNow(Date.now()), 1_000);
  onCleanup(() => {
    if (--tickers === 0) clearInterval(tickTimer);
  });
  return now;
}

/** What a request is about in one line: the command, file, path, URL or pattern in its input. */
export function subjectOf(request: Permission): string | null {
  const input = request.input;
  for (const key of ["command", "file_path", "notebook_path", "path", "url", "pattern"]) {
    const value = input[key];
    if (typeof value === "string" && value) return value;
  }
  return null;
}

/**
 * Answering one request: at most one answer in flight; a refused answer is reported in a toast and the request
 * can be answered again. Answering removes it from the inbox at once.
 */
export function createPermissionAnswer(request: () => Permission) {
  const inbox = usePermissions();
  const toasts = useToasts();
  const [busy, setBusy] = createSignal(false);
  async function answer(value: PermissionAnswer) {
    if (busy()) return;
    setBusy(true);
    try {
      await inbox.respond(request(), value);
    } catch (err) {
      toasts.push({ tone: "error", title: `Could not answer ${request().toolName}`, body: errorMessage(err) });
      setBusy(false);
    }
  }
  return { busy, answer };
}

/** What keyboard shortcuts on the inbox page can do to a card. */
export interface PermissionCardActions {
  allow(): void;
  allowForSession(): void;
  edit(): void;
  deny(): void;
  focus(): void;
}

/**
 * A pending permission request: what the agent wants to run (and, for file tools, the diff it would make),
 * and the four answers. Answering removes it from the inbox at once; a refused answer is reported in a toast.
 */
export function PermissionCard(props: {
  request: Permission;
  agentName?: string | undefined;
  sessionName?: string | undefined;
  selected?: boolean;
  /** Receives the card's actions (for keyboard shortcuts); called once. */
  actions?: (actions: PermissionCardActions) => void;
}) {
  const access = useAccess();
  const tick = useNow();
  const id = createUniqueId();
  const [editing, setEditing] = createSignal(false);
  const [denying, setDenying] = createSignal(false);
  const [draft, setDraft] = createSignal("");
  const [denyMessage, setDenyMessage] = createSignal("");

  const inputJson = createMemo(() => JSON.stringify(props.request.input, null, 2));
  const edited = createMemo<{ value: Record<string, unknown> | null; error: string | null }>(() => {
    if (!editing()) return { value: null, error: null };
    try {
      const parsed: unknown = JSON.parse(draft());
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { value: null, error: "The input must be a JSON object." };
      return { value: parsed as Record<string, unknown>, error: null };
    } catch (err) {
      return { value: null, error: `Not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
    }
  });
  // The diff follows the edited input while editing, so the operator sees what their edit would write.
  const changes = createMemo(() => proposedChanges(props.request.toolName, edited().value ?? props.request.input));

  const { busy, answer } = createPermissionAnswer(() => props.request);

  function startEditing() {
    setDraft(inputJson());
    setEditing(true);
    setDenying(false);
    requestAnimationFrame(() => document.getElementById(`${id}-edit`)?.focus());
  }

  let article!: HTMLElement;
  // Registered once, when the card is created.
  untrack(() => props.actions)?.({
    allow: () => void answer({ behavior: "allow" }),
    allowForSession: () => void answer({ behavior: "allow", forSession: true }),
    edit: startEditing,
    deny: () => void answer({ behavior: "deny" }),
    focus: () => article.focus(),
  });

  const created = () => Date.parse(props.request.createdAt);
  const expires = () => Date.parse(props.request.expiresAt);

  return (
    <article ref={article} class="permission-card" classList={{ selected: !!props.selected }} aria-labelledby={`${id}-title`} data-request={props.request.id} tabindex="-1">
      <header class="permission-head">
        <h3 id={`${id}-title`} class="permission-title">
          <span class="tool-badge">{props.request.toolName}</span>
          <span class="permission-subject">{subjectOf(props.request) ?? "wants permission"}</span>
        </h3>
        <p class="permission-meta small muted">
          <Show when={props.agentName}>{(name) => <span>{name()}</span>}</Show>
          <Show when={props.sessionName}>
            {(name) => (
              <>
                {" in "}
                <A href={`/sessions/${encodeURIComponent(props.request.sessionId)}`}>{name()}</A>
              </>
            )}
          </Show>
          <span> · asked {formatAge(tick() - created())} ago</span>
          <Show when={expires() > tick()}>
            <span> · denied automatically in {formatAge(expires() - tick())}</span>
          </Show>
        </p>
      </header>
      <Show when={props.request.reason}>
        <p class="permission-reason">{props.request.reason}</p>
      </Show>
      <Show when={changes()}>
        {(list) => (
          <div class="permission-diffs">
            <For each={list()}>
              {(change) => (
                <div class="proposed-change">
                  <p class="small muted">
                    {change.kind === "create" ? "Would write" : "Would edit"} <code>{change.path}</code> (+{change.added} −{change.removed})
                    <Show when={change.note}> · {change.note}</Show>
                  </p>
                  <Show when={change.patch} fallback={<p class="notice small">No diff shown: {change.note}</p>}>
                    {(patch) => <DiffView patch={patch()} label={`Proposed change to ${change.path}`} />}
                  </Show>
                </div>
              )}
            </For>
          </div>
        )}
      </Show>
      <Show
        when={editing()}
        fallback={
          <details class="permission-input">
            <summary>Tool input</summary>
            <pre class="payload" tabindex="0" aria-label="Tool input as JSON">
              {inputJson()}
            </pre>
          </details>
        }
      >
        <div class="field">
          <label for={`${id}-edit`}>Tool input (JSON): edit, then allow with your changes</label>
          <textarea
            id={`${id}-edit`}
            class="json-edit"
            rows={Math.min(16, Math.max(4, draft().split("\n").length + 1))}
            spellcheck={false}
            value={draft()}
            aria-invalid={edited().error ? "true" : undefined}
            aria-describedby={edited().error ? `${id}-edit-error` : undefined}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
          <Show when={edited().error}>
            <p id={`${id}-edit-error`} class="field-error" role="alert">
              {edited().error}
            </p>
          </Show>
        </div>
      </Show>
      <Show when={denying() && access.canOperate()}>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void answer({ behavior: "deny", message: denyMessage().trim() || undefined });
          }}
        >
          <label for={`${id}-deny`}>Message to the agent (optional)</label>
          <input id={`${id}-deny`} maxlength="2000" value={denyMessage()} onInput={(e) => setDenyMessage(e.currentTarget.value)} />
          <button type="submit" class="button small danger" disabled={busy()}>
            Deny with message
          </button>
        </form>
      </Show>
      <Show when={access.canOperate()}>
      <div class="permission-actions">
        <Show
          when={editing()}
          fallback={
            <>
              <button type="button" class="button primary" disabled={busy()} onClick={() => void answer({ behavior: "allow" })}>
                Allow
              </button>
              <button type="button" class="button" disabled={busy()} onClick={() => void answer({ behavior: "allow", forSession: true })} title={`Allow ${props.request.toolName} for the rest of this session`}>
                Allow for session
              </button>
              <button type="button" class="button" disabled={busy()} onClick={startEditing}>
                Edit input…
              </button>
            </>
          }
        >
          <button
            type="button"
            class="button primary"
            disabled={busy() || !edited().value}
            onClick={() => {
              const value = edited().value;
              if (value) void answer({ behavior: "allow", updatedInput: value });
            }}
          >
            Allow with edits
          </button>
          <button type="button" class="button" onClick={() => setEditing(false)}>
            Cancel edit
          </button>
        </Show>
        <span class="spacer" />
        <Show when={!denying()}>
          <button type="button" class="button ghost small" onClick={() => { setDenying(true); setEditing(false); }}>
            Deny with message…
          </button>
        </Show>
        <button type="button" class="button danger" disabled={busy()} onClick={() => void answer({ behavior: "deny" })}>
          Deny
        </button>
      </div>
      </Show>
    </article>
  );
}
