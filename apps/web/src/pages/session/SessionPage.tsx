import { A, createAsync, revalidate, useAction, useLocation, useNavigate, useParams, useSearchParams, useSubmission, type RouteSectionProps } from "@solidjs/router";
import { ErrorBoundary, For, Match, Show, Suspense, Switch, createEffect, createMemo, createSignal, on, onCleanup } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";
import type { Agent, SessionStats } from "../../api/types.ts";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { agentHue, rosterHues } from "../../lib/agent-colour.ts";
import { errorMessage, isNotFound } from "../../lib/errors.ts";
import { formatCost, formatCount, formatTokens, parseTypeList } from "../../lib/format.ts";
import { useAccess } from "../../providers/access.tsx";
import { useCommands } from "../../providers/commands.tsx";
import { useConnection, useControlUpdates } from "../../providers/connection.tsx";
import { useShortcuts } from "../../providers/shortcuts.tsx";
import { useToasts } from "../../providers/toasts.tsx";
import { applyRosterUpdate } from "../../state/roster-reducer.ts";
import { createSessionActivity } from "../../state/session-activity.ts";
import { createSessionFeed } from "../../state/session-feed.ts";
import { createTimelineWindow } from "../../state/timeline-window-store.ts";
import { archiveSession } from "../sessions/sessions.data.ts";
import { AgentRoster, type RosterActions } from "./AgentRoster.tsx";
import { CommandBar } from "./CommandBar.tsx";
import { CostView } from "./CostView.tsx";
import { CreateAgentDialog } from "./CreateAgentDialog.tsx";
import { ExportMenu } from "./ExportMenu.tsx";
import { InspectorDock } from "./InspectorDock.tsx";
import { PlansView } from "./PlansView.tsx";
import { ReplayView } from "./ReplayView.tsx";
import { SessionPermissions } from "./SessionPermissions.tsx";
import { TasksBoard } from "./TasksBoard.tsx";
import { Timeline } from "./Timeline.tsx";
import { TimelineFilters, type FilterValues } from "./TimelineFilters.tsx";
import { TaskFilterChip } from "./TaskFilterChip.tsx";
import { getAgents, getSession, getSessionMetrics, resumeAgent } from "./session.data.ts";

/** How often live activity may re-read the agents' cost/token counters (the session totals are live). */
const STATS_REFRESH_MS = 1_000;

type View = "timeline" | "tasks" | "plans" | "cost" | "replay";
const VIEWS: { id: View; label: string; keys: string }[] = [
  { id: "timeline", label: "Timeline", keys: "g t" },
  { id: "tasks", label: "Tasks", keys: "g k" },
  { id: "plans", label: "Plans", keys: "g l" },
  { id: "cost", label: "Cost", keys: "g c" },
  { id: "replay", label: "Replay", keys: "g r" },
];

function isStats(value: unknown): value is SessionStats {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return ["events", "costUsd", "inputTokens", "outputTokens", "toolOk", "toolFailed"].every((key) => typeof v[key] === "number");
}

/** One tick a second, for "last event 5 s ago". */
function createNow() {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 1_000);
  onCleanup(() => clearInterval(timer));
  return now;
}

/** `/sessions/:id` and, as a child route, `/sessions/:id/events/:seq` (the inspector arrives as `children`). */
export function SessionPage(props: RouteSectionProps) {
  const access = useAccess();
  const params = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const toasts = useToasts();
  const [search, setSearch] = useSearchParams<{ agent?: string; type?: string; q?: string; view?: string; at?: string; task?: string }>();
  const id = () => params.id ?? "";
  const view = (): View => (VIEWS.some((v) => v.id === search.view) ? (search.view as View) : "timeline");
  const selectedSeq = () => (params.seq !== undefined && /^\d+$/.test(params.seq) ? Number(params.seq) : null);
  const filters = (): FilterValues => ({ agent: search.agent ?? "", type: search.type ?? "", q: search.q ?? "" });
  const now = createNow();
  const connection = useConnection();
  const known = createSessionCheck(id);
  // Phones: the roster and the filters are behind buttons, so the timeline comes first.
  const [agentsOpen, setAgentsOpen] = createSignal(false);
  const [filtersOpen, setFiltersOpen] = createSignal(false);

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
  const agentIds = createMemo<ReadonlySet<string>>(() => new Set(agents.map((a) => a.id)));
  const hues = createMemo(() => rosterHues(agents.map((agent) => agent.id)));
  const hueOf = (agentId: string) => hues().get(agentId) ?? agentHue(agentId);
  // One live subscription for the page: the roster's activity, the timeline and the cost charts read it.
  const feed = createSessionFeed();
  const activity = createSessionActivity(id, feed);
  const commands = useCommands();
  // Permission answers are commands too; the timeline shows those, the command lists show what was asked.
  const sessionCommands = createMemo(() => commands.entries().filter((c) => c.kind !== "permission" && agentIds().has(c.agentId)));


  const [deleted, setDeleted] = createSignal(false);
  const [liveStats, setLiveStats] = createSignal<{ stats: SessionStats; at: number } | null>(null);
  createEffect(
    on(id, (sessionId) => {
      setDeleted(false);
      setLiveStats(null);
      // Coming back to a session: what is cached may be minutes old (its updates went by while away).
      void revalidate([getAgents.keyFor(sessionId), getSessionMetrics.keyFor(sessionId), getSession.keyFor(sessionId)]);
    }),
  );

  let statsTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshAgentsSoon = () => {
    statsTimer ??= setTimeout(() => {
      statsTimer = undefined;
      // Not while the connection is lost (the roster would turn into an error); the reconnect re-reads them.
      if (connection.status() === "live") void revalidate([getAgents.keyFor(id()), getSessionMetrics.keyFor(id())]);
    }, STATS_REFRESH_MS);
  };
  onCleanup(() => clearTimeout(statsTimer));
  // Back after the connection was lost: the updates that went by meanwhile are missed, so read again.
  createEffect(on(connection.reconnects, () => void revalidate([getAgents.keyFor(id()), getSessionMetrics.keyFor(id()), getSession.keyFor(id())]), { defer: true }));

  useControlUpdates((update) => {
    if (update.sessionId !== id()) return;
    if (update.entity === "agent") {
      const result = applyRosterUpdate(unwrap(agents), update, id());
      if (result.agents !== unwrap(agents)) setAgents(reconcile(result.agents, { key: "id" }));
      if (result.refetch) void revalidate(getAgents.keyFor(id()));
      refreshAgentsSoon();
    } else if (update.entity === "session") {
      if (update.action === "deleted") setDeleted(true);
      else void revalidate(getSession.keyFor(id()));
    } else if (update.entity === "stats") {
      // Live totals, once a second while events flow; agents' own counters follow a little later.
      if (isStats(update.data)) setLiveStats({ stats: update.data, at: Date.now() });
      refreshAgentsSoon();
    } else if (update.entity === "task") {
      refreshAgentsSoon();
    }
  });

  const timelineQuery = () => ({ sessionId: id(), agentId: filters().agent || undefined, taskId: search.task || undefined, types: parseTypeList(filters().type), text: filters().q || undefined });
  const timeline = createTimelineWindow(timelineQuery, feed);
  const hrefFor = (seq: number) => `/sessions/${encodeURIComponent(id())}/events/${seq}${location.search}`;

  // The command box's agent: chosen there, else the agent the timeline is filtered to, else the first one.
  const [composeFor, setComposeFor] = createSignal("");
  const composeAgentId = () => {
    const controllable = agents.filter((a) => a.driver !== "external");
    const chosen = [composeFor(), filters().agent].find((agentId) => controllable.some((a) => a.id === agentId));
    return chosen ?? controllable[0]?.id ?? "";
  };
  // The command bar's agent: its recent commands come from the server (so they survive a reload).
  createEffect(() => {
    const agentId = composeAgentId();
    if (agentId) commands.load(agentId);
  });
  let commandBox: HTMLTextAreaElement | undefined;
  const [creating, setCreating] = createSignal(false);
  const resume = useAction(resumeAgent);
  const report = (what: string) => (result: { ok: boolean; error?: string }) => {
    if (!result.ok) toasts.push({ tone: "error", title: `${what} failed`, body: result.error });
  };
  const setView = (next: View) => setSearch({ view: next === "timeline" ? undefined : next, at: undefined });
  const actions: RosterActions = {
    interrupt: (agent) => void commands.interrupt(agent).then(report(`Interrupting ${agent.name}`)),
    stop: (agent) => void commands.stop(agent).then(report(`Stopping ${agent.name}`)),
    resume: (agent) =>
      void resume({ sessionId: id(), agentId: agent.id }).catch((err: unknown) => toasts.push({ tone: "error", title: `Resuming ${agent.name} failed`, body: errorMessage(err) })),
    compose(agent) {
      setComposeFor(agent.id);
      if (view() !== "timeline") setView("timeline");
      requestAnimationFrame(() => commandBox?.focus());
    },
    create: () => setCreating(true),
  };

  useShortcuts([
    ...VIEWS.map((v) => ({ keys: v.keys, description: `Show ${v.label.toLowerCase()}`, group: "Session", run: () => setView(v.id) })),
    { keys: "n", description: "New agent", group: "Session", run: () => access.canOperate() && setCreating(true) },
    {
      keys: "c",
      description: "Write a command to an agent",
      group: "Session",
      run: () => {
        if (view() !== "timeline") setView("timeline");
        requestAnimationFrame(() => commandBox?.focus());
      },
    },
    {
      keys: "i",
      description: "Interrupt the agent in the command box",
      group: "Session",
      // Like the buttons: nothing is sent while the server is unreachable.
      when: () => !connection.serverDown(),
      run: () => {
        const agent = agentsById().get(composeAgentId());
        if (agent) actions.interrupt(agent);
      },
    },
    {
      keys: "/",
      description: "Search the timeline",
      group: "Session",
      run: () => {
        if (view() !== "timeline") setView("timeline");
        requestAnimationFrame(() => document.getElementById("filter-text")?.focus());
      },
    },
  ]);

  const totals = () => liveStats()?.stats ?? null;

  /** Keyboard focus to the timeline: the selected row, else the first row in view. */
  function focusTimeline() {
    const row = document.querySelector<HTMLElement>('.tl-row[aria-current="true"] a') ?? document.querySelector<HTMLElement>(".tl-row a");
    row?.focus();
  }

  return (
    <Switch>
      <Match when={known() === "missing"}>
        <SessionNotFound id={id()} />
      </Match>
      <Match when={known() === "checking"}>
        <div class="page">
          <p class="muted" role="status">
            Loading session…
          </p>
        </div>
      </Match>
      <Match when={true}>
        <div
          class="page session-page"
          classList={{
            "with-inspector": selectedSeq() !== null && view() === "timeline",
            replaying: view() === "replay",
            "timeline-view": view() === "timeline",
            "agents-open": agentsOpen(),
            "filters-open": filtersOpen(),
          }}
        >
          <div class="session-bar">
            <ErrorBoundary fallback={(error: unknown, reset) => <ErrorNotice error={error} retry={reset} title="Could not load the session" />}>
              <Suspense fallback={<h1 class="muted">Loading session…</h1>}>
                <SessionTitle id={id()} />
              </Suspense>
            </ErrorBoundary>
            <nav class="view-tabs" aria-label="Session views">
              <For each={VIEWS}>
                {(v) => (
                  <A
                    href={`/sessions/${encodeURIComponent(id())}${v.id === "timeline" ? "" : `?view=${v.id}`}`}
                    aria-current={view() === v.id ? "page" : undefined}
                    classList={{ current: view() === v.id }}
                    title={`${v.label} (g ${v.keys.split(" ")[1]})`}
                    end
                  >
                    {v.label}
                  </A>
                )}
              </For>
            </nav>
            <Show when={view() === "timeline"}>
              <div class="timeline-tools" id="timeline-tools">
                <TimelineFilters
                  values={filters()}
                  agents={agents}
                  seenTypes={timeline.seenTypes()}
                  onLeave={focusTimeline}
                  onChange={(changes) =>
                    setSearch(
                      Object.fromEntries(Object.entries(changes).map(([key, value]) => [key, value ? value : undefined])),
                      { replace: true },
                    )
                  }
                />
              </div>
            </Show>
            <div class="phone-toggles">
              <button type="button" class="button small" aria-expanded={agentsOpen()} aria-controls="session-side" onClick={() => setAgentsOpen(!agentsOpen())}>
                Agents ({agents.length})
              </button>
              <Show when={view() === "timeline"}>
                <button type="button" class="button small" aria-expanded={filtersOpen()} aria-controls="timeline-tools" onClick={() => setFiltersOpen(!filtersOpen())}>
                  Filters{filters().agent || filters().type || filters().q ? " •" : ""}
                </button>
              </Show>
            </div>
          </div>
          <Show when={deleted()}>
            <p class="notice error" role="alert">
              This session was deleted. <A href="/">Back to sessions</A>
            </p>
          </Show>
          <SessionPermissions sessionId={id()} agents={agentsById()} />
          <CreateAgentDialog sessionId={id()} open={creating()} onClose={() => setCreating(false)} onCreated={(agentId) => setComposeFor(agentId)} />
          <Switch>
            <Match when={view() === "replay"}>
              <Show when={id()} keyed>
                {(sessionId) => <ReplayView sessionId={sessionId} agents={agents} hueOf={hueOf} />}
              </Show>
            </Match>
            <Match when={true}>
              <div class="session-grid">
                <div class="session-side" id="session-side">
                  <ErrorBoundary fallback={(error: unknown, reset) => <ErrorNotice error={error} retry={reset} title="Could not load the totals" />}>
                    <Suspense fallback={<p class="muted small">Loading totals…</p>}>
                      <SessionMetrics id={id()} liveStats={liveStats()} />
                    </Suspense>
                  </ErrorBoundary>
                  <Show when={view() === "timeline"}>
                    <ExportMenu sessionId={id()} filter={{ agentId: filters().agent || undefined, taskId: search.task || undefined, types: parseTypeList(filters().type), text: filters().q || undefined }} />
                  </Show>
                  <ErrorBoundary fallback={(error: unknown, reset) => <ErrorNotice error={error} retry={reset} title="Agents" />}>
                    <Suspense fallback={<p class="muted small">Loading agents…</p>}>
                      <Show when={fetchedAgents()}>
                        <AgentRoster
                          agents={agents}
                          hueOf={hueOf}
                          selectedAgentId={filters().agent}
                          onSelect={(agent) => setSearch({ agent: agent || undefined }, { replace: true })}
                          activity={activity()}
                          commands={sessionCommands()}
                          now={now}
                          actions={access.canOperate() ? actions : undefined}
                        />
                      </Show>
                    </Suspense>
                  </ErrorBoundary>
                </div>
                <div class="session-main">
                  <Switch>
                    <Match when={view() === "tasks"}>
                      <ErrorBoundary fallback={(error: unknown, reset) => <ErrorNotice error={error} retry={reset} title="Tasks" />}>
                        <TasksBoard sessionId={id()} agents={agents} />
                      </ErrorBoundary>
                    </Match>
                    <Match when={view() === "plans"}>
                      <ErrorBoundary fallback={(error: unknown, reset) => <ErrorNotice error={error} retry={reset} title="Plans" />}>
                        <PlansView sessionId={id()} />
                      </ErrorBoundary>
                    </Match>
                    <Match when={view() === "cost"}>
                      <CostView sessionId={id()} feed={feed} agents={agents} totals={totals()} hueOf={hueOf} />
                    </Match>
                    <Match when={true}>
                      <TaskFilterChip sessionId={id()} taskId={search.task ?? ""} onClear={() => setSearch({ task: undefined })} />
                      <Timeline rows={timeline} jump agents={agentsById()} hueOf={hueOf} selectedSeq={selectedSeq()} hrefFor={hrefFor} select={(seq) => navigate(hrefFor(seq))} />
                      {/* Docked at the bottom of the timeline column, like a chat box. */}
                      <Show when={access.canOperate()}>
                        <CommandBar
                          agents={agents}
                          agentId={composeAgentId()}
                          onAgentChange={setComposeFor}
                          commands={sessionCommands()}
                          send={commands.send}
                          ref={(el) => (commandBox = el)}
                        />
                      </Show>
                    </Match>
                  </Switch>
                </div>
                <Show when={view() === "timeline" && selectedSeq() !== null}>
                  <InspectorDock seq={selectedSeq()}>{props.children}</InspectorDock>
                </Show>
              </div>
            </Match>
          </Switch>
        </div>
      </Match>
    </Switch>
  );
}

/**
 * Whether the session exists, read once per id (before the working page mounts, so an unknown id shows
 * "Session not found" and not the page under errors). Errors other than not-found leave the page to show them.
 */
function createSessionCheck(id: () => string) {
  const [known, setKnown] = createSignal<"checking" | "found" | "missing">("checking");
  createEffect(
    on(id, (sessionId) => {
      setKnown("checking");
      getSession(sessionId).then(
        () => id() === sessionId && setKnown("found"),
        (error: unknown) => id() === sessionId && setKnown(isNotFound(error) ? "missing" : "found"),
      );
    }),
  );
  return known;
}

function SessionNotFound(props: { id: string }) {
  return (
    <div class="page session-missing">
      <div class="empty-state" role="alert">
        <h1>Session not found</h1>
        <p>
          No session has the id <code>{props.id}</code>. It may have been deleted, or the link is mistyped.
        </p>
        <p>
          <A href="/" class="button primary">
            Go to the sessions
          </A>
        </p>
      </div>
    </div>
  );
}

/** Crumbs, name, status and the archive button: one line above the views. */
function SessionTitle(props: { id: string }) {
  const access = useAccess();
  const session = createAsync(() => getSession(props.id));
  const archiving = useSubmission(archiveSession, ([id]) => id === props.id);
  return (
    <Show when={session()}>
      {(s) => (
        <div class="session-title">
          <p class="crumbs">
            <A href="/">Sessions</A> <span aria-hidden="true">/</span>
          </p>
          <h1 title={s().workspaceRoot ? `Workspace: ${s().workspaceRoot}` : undefined}>{s().name}</h1>
          <span class="pill" data-status={s().status}>
            {s().status}
          </span>
          <Show when={s().status === "active" && access.canChangeSessions()}>
            <form action={archiveSession.with(s().id)} method="post">
              <button type="submit" class="button small ghost" disabled={archiving.pending}>
                {archiving.pending ? "Archiving…" : "Archive session"}
              </button>
            </form>
          </Show>
          <Show when={archiving.error as unknown}>
            <p class="field-error" role="alert">
              {errorMessage(archiving.error)}
            </p>
          </Show>
        </div>
      )}
    </Show>
  );
}

/** The session's totals, live; at the top of the side column. */
function SessionMetrics(props: { id: string; liveStats: { stats: SessionStats; at: number } | null }) {
  const session = createAsync(() => getSession(props.id));
  const metrics = createAsync(() => getSessionMetrics(props.id));
  // Whichever is newer wins: the live totals (once a second while events flow) or the last metrics read.
  const [metricsAt, setMetricsAt] = createSignal(0);
  createEffect(on(metrics, (m) => m && setMetricsAt(Date.now())));
  const live = () => {
    const l = props.liveStats;
    return l && l.at > metricsAt() ? l.stats : null;
  };
  return (
    <Show when={session()}>
      {(s) => (
        <section class="session-totals" aria-label="Session totals">
          <Show when={metrics()}>
            {(m) => {
              // Live totals (control feed, once a second) win over the last read of session.metrics.
              const events = () => live()?.events ?? m().events;
              const cost = () => live()?.costUsd ?? m().costUsd;
              const input = () => live()?.inputTokens ?? m().inputTokens;
              const output = () => live()?.outputTokens ?? m().outputTokens;
              const toolCalls = () => {
                const l = live();
                return l ? l.toolOk + l.toolFailed : m().toolCalls;
              };
              const toolOk = () => {
                const l = live();
                return l ? (toolCalls() === 0 ? null : l.toolOk / toolCalls()) : m().toolSuccessRate;
              };
              return (
                <dl class="metrics">
                  <div>
                    <dt>Events</dt>
                    <dd data-metric="events">{formatCount(events())}</dd>
                  </div>
                  <div>
                    <dt>Cost</dt>
                    <dd data-metric="cost">{formatCost(cost())}</dd>
                  </div>
                  <div>
                    <dt>Tokens</dt>
                    <dd>{formatTokens(input(), output())}</dd>
                  </div>
                  <div>
                    <dt>Tool calls</dt>
                    <dd>
                      {formatCount(toolCalls())}
                      {toolOk() === null ? "" : ` · ${Math.round((toolOk() ?? 0) * 100)}% ok`}
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
                  <Show when={Object.keys(m().tasksByStatus).length > 0}>
                    <div>
                      <dt>Tasks</dt>
                      <dd>
                        {Object.entries(m().tasksByStatus)
                          .map(([status, count]) => `${count} ${status}`)
                          .join(", ")}
                      </dd>
                    </div>
                  </Show>
                  <Show when={s().workspaceRoot}>
                    <div class="wide">
                      <dt>Workspace</dt>
                      <dd>
                        <code>{s().workspaceRoot}</code>
                      </dd>
                    </div>
                  </Show>
                </dl>
              );
            }}
          </Show>
        </section>
      )}
    </Show>
  );
}
