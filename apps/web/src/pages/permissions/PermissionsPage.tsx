import { createAsync, useLocation, useSearchParams } from "@solidjs/router";
import { describePermissionRule } from "@rozet/vocabulary";
import { For, Show, Suspense, createEffect, createMemo, createSignal } from "solid-js";
import type { Permission } from "../../api/types.ts";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { PermissionCard, type PermissionCardActions } from "../../components/PermissionCard.tsx";
import { useAccess } from "../../providers/access.tsx";
import { usePermissions } from "../../providers/permissions.tsx";
import { useShortcuts } from "../../providers/shortcuts.tsx";
import { formatDateTime } from "../../lib/format.ts";
import { getAgentNames, getRules, getSessionNames } from "./permissions.data.ts";

/** `/permissions`: every pending request of every session, oldest first, answerable from the keyboard too. */
export function PermissionsPage() {
  const access = useAccess();
  const inbox = usePermissions();
  const sessionNames = createAsync(() => getSessionNames());
  const [selected, setSelected] = createSignal(0);
  const actions = new Map<string, PermissionCardActions>();
  const pending = () => inbox.pending();

  // Keep the selection on a card that exists as requests come and go.
  createEffect(() => {
    const n = pending().length;
    if (selected() >= n) setSelected(Math.max(0, n - 1));
  });
  const current = () => {
    const request = pending()[selected()];
    return request ? actions.get(request.id) : undefined;
  };
  const move = (delta: number) => {
    const n = pending().length;
    if (n === 0) return;
    setSelected((i) => Math.min(n - 1, Math.max(0, i + delta)));
    current()?.focus();
  };
  const has = () => pending().length > 0;
  // Viewers and observe-only rooms see no answer buttons, and get no answer shortcuts either.
  const answerable = () => has() && access.canOperate();
  useShortcuts([
    { keys: "j", description: "Next request", group: "Permission inbox", run: () => move(1), when: has },
    { keys: "k", description: "Previous request", group: "Permission inbox", run: () => move(-1), when: has },
    { keys: "a", description: "Allow the selected request", group: "Permission inbox", run: () => current()?.allow(), when: answerable },
    { keys: "s", description: "Allow it for the rest of the session", group: "Permission inbox", run: () => current()?.allowForSession(), when: answerable },
    { keys: "e", description: "Edit its input, then allow", group: "Permission inbox", run: () => current()?.edit(), when: answerable },
    { keys: "d", description: "Deny it", group: "Permission inbox", run: () => current()?.deny(), when: answerable },
  ]);

  return (
    <div class="page permissions-page">
      <div class="page-head">
        <h1>Permission inbox</h1>
        <span class="pill" data-status={pending().length > 0 ? "waiting-for-permission" : "idle"}>
          {pending().length} pending
        </span>
        <span class="spacer" />
        <span class="muted small hide-narrow">
          <kbd>j</kbd>/<kbd>k</kbd> select · <kbd>a</kbd> allow · <kbd>s</kbd> for session · <kbd>e</kbd> edit · <kbd>d</kbd> deny
        </span>
      </div>
      <Show when={inbox.error()}>{(error) => <ErrorNotice error={error()} retry={() => void inbox.refresh()} title="Could not load the inbox" />}</Show>
      <Show when={inbox.loaded()} fallback={<p class="muted">Loading requests…</p>}>
        <Show when={has()} fallback={<p class="muted empty">Nothing is waiting for you. Requests from every agent in every session appear here.</p>}>
          <Suspense fallback={<p class="muted">Loading requests…</p>}>
          <ol class="permission-list" aria-label="Pending permission requests, oldest first">
            <For each={pending()}>
              {(request, index) => (
                <li onFocusIn={() => setSelected(index())} onClick={() => setSelected(index())}>
                  <InboxCard request={request} sessionName={sessionNames()?.get(request.sessionId)} selected={selected() === index()} register={(a) => actions.set(request.id, a)} />
                </li>
              )}
            </For>
          </ol>
          </Suspense>
        </Show>
      </Show>
      <RulesSection sessionNames={sessionNames()} />
    </div>
  );
}

/**
 * A session's rules, each with an anchor (`#rule-<id>`): where "allowed by rule …" in the inspector links to.
 * The session comes from `?session=`, or is chosen here.
 */
function RulesSection(props: { sessionNames: ReadonlyMap<string, string> | undefined }) {
  const [search, setSearch] = useSearchParams<{ session?: string }>();
  const location = useLocation();
  const sessionId = () => search.session ?? "";
  const rules = createAsync(() => (sessionId() ? getRules(sessionId()) : Promise.resolve(null)));
  // The rule named in the link's hash: scrolled to once the list is there.
  createEffect(() => {
    const hash = location.hash.replace(/^#/, "");
    if (!rules()?.length || !hash.startsWith("rule-")) return;
    requestAnimationFrame(() => document.getElementById(decodeURIComponent(hash))?.scrollIntoView({ block: "center" }));
  });
  return (
    <section class="rules-section" aria-labelledby="rules-title">
      <div class="page-head">
        <h2 id="rules-title" class="section-title">
          Rules
        </h2>
        <label class="small">
          Session{" "}
          <select value={sessionId()} onChange={(e) => setSearch({ session: e.currentTarget.value || undefined })}>
            <option value="">Choose a session…</option>
            <For each={[...(props.sessionNames ?? new Map<string, string>()).entries()]}>{([id, name]) => <option value={id}>{name}</option>}</For>
          </select>
        </label>
      </div>
      <p class="muted small">Rules answer a session's requests before anyone is asked: allow, deny or ask, by tool and a path or command glob.</p>
      <Suspense fallback={<p class="muted">Loading rules…</p>}>
        <Show when={sessionId()}>
          <Show when={rules()} fallback={<p class="muted">Loading rules…</p>}>
            {(list) => (
              <Show when={list().length > 0} fallback={<p class="muted empty">This session has no rules.</p>}>
                <ol class="rules-list" aria-label="Permission rules">
                  <For each={list()}>
                    {(rule) => (
                      <li id={`rule-${rule.id}`} data-action={rule.action}>
                        <span class="pill" data-status={rule.action === "deny" ? "error" : rule.action === "allow" ? "completed" : "waiting"}>
                          {rule.action}
                        </span>
                        <code>{describePermissionRule(rule)}</code>
                        <span class="muted small">
                          added {formatDateTime(rule.createdAt)}
                          {rule.createdBy?.startsWith("allow-for-session:") ? " by an “allow for the session” answer" : rule.createdBy ? ` by ${rule.createdBy}` : ""}
                        </span>
                      </li>
                    )}
                  </For>
                </ol>
              </Show>
            )}
          </Show>
        </Show>
      </Suspense>
    </section>
  );
}

function InboxCard(props: { request: Permission; sessionName: string | undefined; selected: boolean; register: (actions: PermissionCardActions) => void }) {
  const agentNames = createAsync(() => getAgentNames(props.request.sessionId));
  const agentName = createMemo(() => agentNames()?.get(props.request.agentId));
  return <PermissionCard request={props.request} agentName={agentName()} sessionName={props.sessionName ?? props.request.sessionId} selected={props.selected} actions={props.register} />;
}
