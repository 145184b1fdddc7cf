import { A } from "@solidjs/router";
import { For, Show, createMemo, createSignal } from "solid-js";
import type { Agent } from "../../api/types.ts";
import { PermissionCard } from "../../components/PermissionCard.tsx";
import { usePermissions } from "../../providers/permissions.tsx";

/** This session's pending permission requests, right above its timeline (the inbox has every session's). */
export function SessionPermissions(props: { sessionId: string; agents: ReadonlyMap<string, Agent> }) {
  const inbox = usePermissions();
  const mine = createMemo(() => inbox.pending().filter((p) => p.sessionId === props.sessionId));
  const [collapsed, setCollapsed] = createSignal(false);
  return (
    <Show when={mine().length > 0}>
      <section class="session-permissions" aria-labelledby="session-permissions-title">
        <div class="card-head">
          <h2 id="session-permissions-title" class="card-title">
            <span class="badge" data-count={mine().length}>
              {mine().length}
            </span>{" "}
            waiting for your permission
          </h2>
          <A href="/permissions" class="small">
            Open the inbox
          </A>
          <button type="button" class="button small ghost" aria-expanded={!collapsed()} onClick={() => setCollapsed(!collapsed())}>
            {collapsed() ? "Show" : "Hide"}
          </button>
        </div>
        <Show when={!collapsed()}>
          <div class="session-permission-list">
            <For each={mine()}>{(request) => <PermissionCard request={request} agentName={props.agents.get(request.agentId)?.name} />}</For>
          </div>
        </Show>
      </section>
    </Show>
  );
}
