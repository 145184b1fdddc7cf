import { A, createAsync, revalidate, useLocation, useNavigate, useParams, useSearchParams, useSubmission, type RouteSectionProps } from "@solidjs/router";
import { ErrorBoundary, Show, Suspense, createEffect, createMemo, createSignal, on, onCleanup } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";
import type { Agent } from "../../api/types.ts";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { agentHue, rosterHues } from "../../lib/agent-colour.ts";
import { errorMessage } from "../../lib/errors.ts";
import { formatCost, formatCount, formatTokens, parseTypeList } from "../../lib/format.ts";
import { useControlUpdates } from "../../providers/connection.tsx";
import { applyRosterUpdate } from "../../state/roster-reducer.ts";
import { createTimeline } from "../../state/timeline-store.ts";
import { archiveSession } from "../sessions/sessions.data.ts";
import { AgentRoster } from "./AgentRoster.tsx";
import { Timeline } from "./Timeline.tsx";
import { TimelineFilters, type FilterValues } from "./TimelineFilters.tsx";
import { getAgents, getSession, getSessionMetrics } from "./session.data.ts";

/** How often live activity may refresh the header metrics and the agents' cost/token counters. */
const STATS_REFRESH_MS = 3_000;

/** `/sessions/:id` and, as a child route, `/sessions/:id/events/:seq` (the inspector arrives as `children`). */
export function SessionPage(props: RouteSectionProps) {
  const params = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams<{ agent?: string; type?: string; q?: string }>();
  const id = () => params.id ?? "";
  const selectedSeq = () => (params.seq !== undefined && /^\d+$/.test(params.seq) ? Number(params.seq) : null);
  const filters = (): FilterValues => ({ agent: search.agent ?? "", type: search.type ?? "", q: search.q ?? "" });

  // Roster: agent.list, then kept current from control updates through a pure reducer into a keyed store.
  const fetchedAgents = createAsync(() => getAgents(id()));
  const [agents, setAgents] = createStore<Agent[]>([]);
  createEffect(() => {
    let list: Agent[] | undefined;
    try {
      list = fetchedAgents();
    } catch {
      return; // shown by the roster's ErrorBoundary
    }
    if (list) setAgents(reconcile(list, { key: "id" }));
  });
  const agentsById = createMemo(() => new Map(agents.map((agent) => [agent.id, agent] as const)));
  const hues = createMemo(() => rosterHues(agents.map((agent) => agent.id)));
  const hueOf = (agentId: string) => hues().get(agentId) ?? agentHue(agentId);

  const [deleted, setDeleted] = createSignal(false);
  createEffect(on(id, () => setDeleted(false)));

  let statsTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshStatsSoon = () => {
    statsTimer ??= setTimeout(() => {
      statsTimer = undefined;
      void revalidate([getSessionMetrics.keyFor(id()), getAgents.keyFor(id())]);
    }, STATS_REFRESH_MS);
  };
  onCleanup(() => clearTimeout(statsTimer));

  useControlUpdates((update) => {
    if (update.sessionId !== id()) return;
    if (update.entity === "agent") {
      const result = applyRosterUpdate(unwrap(agents), update, id());
      if (result.agents !== unwrap(agents)) setAgents(reconcile(result.agents, { key: "id" }));
      if (result.refetch) void revalidate(getAgents.keyFor(id()));
    } else if (update.entity === "session") {
      if (update.action === "deleted") setDeleted(true);
      else void revalidate(getSession.keyFor(id()));
    } else {
      refreshStatsSoon();
    }
  });

  const timeline = createTimeline(
    () => ({ sessionId: id(), agentId: filters().agent || undefined, types: parseTypeList(filters().type), text: filters().q || undefined }),
    { onLiveEvents: refreshStatsSoon },
  );

  const seenTypes = createMemo(() => [...new Set(timeline.state().events.map((event) => event.type))]);
  const hrefFor = (seq: number) => `/sessions/${encodeURIComponent(id())}/events/${seq}${location.search}`;

  return (
    <div class="page session-page" classList={{ "with-inspector": selectedSeq() !== null }}>
      <ErrorBoundary fallback={(error, reset) => <ErrorNotice error={error} retry={reset} title="Could not load the session" />}>
        <Suspense fallback={<div class="page-head"><h1 class="muted">Loading session…</h1></div>}>
          <SessionHeader id={id()} />
        </Suspense>
      </ErrorBoundary>
      <Show when={deleted()}>
        <p class="notice error" role="alert">
          This session was deleted. <A href="/">Back to sessions</A>
        </p>
      </Show>
      <div class="session-grid">
        <div class="session-side">
          <ErrorBoundary fallback={(error, reset) => <ErrorNotice error={error} retry={reset} title="Agents" />}>
            <Suspense fallback={<p class="muted small">Loading agents…</p>}>
              <Show when={fetchedAgents()}>
                <AgentRoster agents={agents} hueOf={hueOf} selectedAgentId={filters().agent} onSelect={(agent) => setSearch({ agent: agent || undefined }, { replace: true })} />
              </Show>
            </Suspense>
          </ErrorBoundary>
        </div>
        <div class="session-main">
          <TimelineFilters
            values={filters()}
            agents={agents}
            seenTypes={seenTypes()}
            onChange={(changes) =>
              setSearch(
                Object.fromEntries(Object.entries(changes).map(([key, value]) => [key, value ? value : undefined])),
                { replace: true },
              )
            }
          />
          <Timeline timeline={timeline} agents={agentsById()} hueOf={hueOf} selectedSeq={selectedSeq()} hrefFor={hrefFor} select={(seq) => navigate(hrefFor(seq))} />
        </div>
        {props.children}
      </div>
    </div>
  );
}

function SessionHeader(props: { id: string }) {
  const session = createAsync(() => getSession(props.id));
  const metrics = createAsync(() => getSessionMetrics(props.id));
  const archiving = useSubmission(archiveSession, ([id]) => id === props.id);
  return (
    <Show when={session()}>
      {(s) => (
        <header class="session-head">
          <div class="page-head">
            <p class="crumbs">
              <A href="/">Sessions</A> <span aria-hidden="true">/</span>
            </p>
            <h1>{s().name}</h1>
            <span class="pill" data-status={s().status}>
              {s().status}
            </span>
            <span class="spacer" />
            <Show when={s().status === "active"}>
              <form action={archiveSession.with(s().id)} method="post">
                <button type="submit" class="button small" disabled={archiving.pending}>
                  {archiving.pending ? "Archiving…" : "Archive session"}
                </button>
              </form>
            </Show>
          </div>
          <Show when={archiving.error}>
            <p class="field-error" role="alert">
              {errorMessage(archiving.error)}
            </p>
          </Show>
          <Show when={metrics()}>
            {(m) => (
              <dl class="metrics">
                <div>
                  <dt>Events</dt>
                  <dd>{formatCount(m().events)}</dd>
                </div>
                <div>
                  <dt>Cost</dt>
                  <dd>{formatCost(m().costUsd)}</dd>
                </div>
                <div>
                  <dt>Tokens</dt>
                  <dd>{formatTokens(m().inputTokens, m().outputTokens)}</dd>
                </div>
                <div>
                  <dt>Tool calls</dt>
                  <dd>
                    {formatCount(m().toolCalls)}
                    {m().toolSuccessRate === null ? "" : ` · ${Math.round((m().toolSuccessRate ?? 0) * 100)}% ok`}
                  </dd>
                </div>
                <div>
                  <dt>Agents</dt>
                  <dd>
                    {Object.entries(m().agentsByStatus)
                      .map(([status, count]) => `${count} ${status}`)
                      .join(", ") || "none"}
                  </dd>
                </div>
                <Show when={s().workspaceRoot}>
                  <div class="wide">
                    <dt>Workspace</dt>
                    <dd>
                      <code>{s().workspaceRoot}</code>
                    </dd>
                  </div>
                </Show>
              </dl>
            )}
          </Show>
        </header>
      )}
    </Show>
  );
}
