import { useAccess } from "../../providers/access.tsx";
import { A } from "@solidjs/router";
import { For, Show, createEffect, createMemo, createSignal, createUniqueId } from "solid-js";
import type { Agent, Permission } from "../../api/types.ts";
import { PermissionCard, createPermissionAnswer, subjectOf } from "../../components/PermissionCard.tsx";
import { usePermissions } from "../../providers/permissions.tsx";
import { useShortcuts } from "../../providers/shortcuts.tsx";

/**
 * This session's pending permission requests as one compact strip above the timeline: the oldest request's tool
 * and subject with Allow / Deny, and Review, which opens the full cards (input, diff, every answer) in place.
 * `p` focuses the strip. The inbox has every session's requests.
 */
export function SessionPermissions(props: { sessionId: string; agents: ReadonlyMap<string, Agent> }) {
  const inbox = usePermissions();
  const mine = createMemo(() => inbox.pending().filter((p) => p.sessionId === props.sessionId));
  const [reviewing, setReviewing] = createSignal(false);
  // The next request, after all were answered, starts compact again.
  createEffect(() => mine().length === 0 && setReviewing(false));
  const listId = createUniqueId();
  let strip: HTMLElement | undefined;
  useShortcuts([
    {
      keys: "p",
      description: "Focus the pending permission request",
      group: "Session",
      when: () => mine().length > 0,
      run: () => strip?.focus(),
    },
  ]);
  return (
    <Show when={mine().length > 0}>
      <section ref={strip} class="session-permissions" classList={{ reviewing: reviewing() }} aria-label="Waiting for your permission" tabindex="-1">
        {/* Keyed: the next request gets a fresh strip (its buttons are not left disabled by the last answer). */}
        <Show when={mine()[0]} keyed>
          {(first) => (
            <PermissionStrip
              request={first}
              agentName={props.agents.get(first.agentId)?.name}
              more={mine().length - 1}
              reviewing={reviewing()}
              listId={listId}
              onReview={() => setReviewing(!reviewing())}
            />
          )}
        </Show>
        <Show when={reviewing()}>
          <div id={listId} class="session-permission-list">
            <For each={mine()}>{(request) => <PermissionCard request={request} agentName={props.agents.get(request.agentId)?.name} />}</For>
          </div>
        </Show>
      </section>
    </Show>
  );
}

/** One line: tool, subject and agent of the oldest request, how many more wait, Review, Allow, Deny. */
function PermissionStrip(props: {
  request: Permission;
  agentName: string | undefined;
  more: number;
  reviewing: boolean;
  listId: string;
  onReview(): void;
}) {
  const access = useAccess();
  const { busy, answer } = createPermissionAnswer(() => props.request);
  return (
    <div class="permission-strip" data-request={props.request.id}>
      <span class="strip-flag" aria-hidden="true" />
      <span class="tool-badge">{props.request.toolName}</span>
      <span class="strip-subject" title={subjectOf(props.request) ?? undefined}>
        {subjectOf(props.request) ?? "wants permission"}
      </span>
      <span class="strip-meta muted small">
        <Show when={props.agentName}>{(name) => <>{name()}</>}</Show>
        <Show when={props.more > 0}>
          {" · "}
          <A href="/permissions">+{props.more} more</A>
        </Show>
      </span>
      <span class="spacer" />
      <button type="button" class="button small" aria-expanded={props.reviewing} aria-controls={props.listId} onClick={() => props.onReview()}>
        {props.reviewing ? "Hide" : "Review"}
      </button>
      <Show when={access.canOperate()}>
        <button type="button" class="button small primary" disabled={busy()} onClick={() => void answer({ behavior: "allow" })}>
          Allow
        </button>
        <button type="button" class="button small danger" disabled={busy()} onClick={() => void answer({ behavior: "deny" })}>
          Deny
        </button>
      </Show>
    </div>
  );
}
