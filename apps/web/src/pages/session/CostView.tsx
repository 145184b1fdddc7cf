import { createAsync, useAction, useSubmission } from "@solidjs/router";
import { For, Show, createMemo, createSignal } from "solid-js";
import type { Agent } from "../../api/types.ts";
import { Chart } from "../../components/Chart.tsx";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { formatCost, formatCount } from "../../lib/format.ts";
import type { SessionFeed } from "../../state/session-feed.ts";
import { createSessionSeries } from "../../state/session-series.ts";
import { seriesData } from "../../state/series.ts";
import { budgetLeft } from "./AgentRoster.tsx";
import { getSessionMetrics, setAgentBudget } from "./session.data.ts";
import { formText } from "../../lib/form-text.ts";
import { DataTable } from "../../components/DataTable.tsx";

export interface SessionTotals {
  events: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

function bucketLabel(ms: number): string {
  return ms < 60_000 ? `${ms / 1000} s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 3_600_000)} h`;
}

/** Cost and activity: per-agent spend against budgets, and the session's cost and events over time. */
const COST_COLUMNS = [
  { label: "Agent" },
  { label: "Cost", numeric: true },
  { label: "Tokens in", numeric: true },
  { label: "Tokens out", numeric: true },
  { label: "Budget left" },
  { label: "Actions", hidden: true },
];

export function CostView(props: { sessionId: string; feed: SessionFeed; agents: readonly Agent[]; totals: SessionTotals | null; hueOf(agentId: string): number }) {
  // eslint-disable-next-line solid/reactivity -- the page's one feed, fixed for the page's life
  const data = createSessionSeries(() => props.sessionId, props.feed);
  // Live totals arrive only while events flow: a quiet session (or Cost opened directly) shows its last read.
  const metrics = createAsync(() => getSessionMetrics(props.sessionId).catch(() => null));
  const totals = (): SessionTotals | null => props.totals ?? metrics() ?? null;
  const ids = createMemo(() => props.agents.map((a) => a.id));
  const chart = createMemo(() => seriesData(data.series(), ids()));
  const colourOf = (id: string) => `hsl(${props.hueOf(id)} 65% 50%)`;
  const usd = (v: number) => formatCost(v);
  const count = (v: number) => formatCount(Math.round(v));

  const costSeries = createMemo(() => [
    { label: "Session (total)", colour: "", total: true, kind: "line" as const, values: chart().cost, format: usd },
    ...props.agents
      .map((agent, i) => ({ label: agent.name, colour: colourOf(agent.id), kind: "line" as const, values: chart().costByAgent[i] ?? [], format: usd }))
      .filter((s) => s.values.some((v) => v > 0)),
  ]);
  const activitySeries = createMemo(() => [{ label: `Events per ${bucketLabel(data.series().bucketMs)}`, colour: "hsl(212 70% 50%)", kind: "bars" as const, values: chart().counts, format: count }]);
  const peak = () => Math.max(0, ...chart().counts);

  return (
    <section class="cost-view" aria-labelledby="cost-title">
      <h2 id="cost-title" class="visually-hidden">
        Cost and activity
      </h2>
      <Show when={totals()}>
        {(t) => (
          <dl class="metrics big">
            <div>
              <dt>Session cost</dt>
              <dd data-testid="session-cost">{formatCost(t().costUsd)}</dd>
            </div>
            <div>
              <dt>Tokens in</dt>
              <dd>{formatCount(t().inputTokens)}</dd>
            </div>
            <div>
              <dt>Tokens out</dt>
              <dd>{formatCount(t().outputTokens)}</dd>
            </div>
            <div>
              <dt>Events</dt>
              <dd>{formatCount(t().events)}</dd>
            </div>
          </dl>
        )}
      </Show>
      <DataTable class="cost-table" caption="Cost, tokens and budget per agent" columns={COST_COLUMNS}>
            <For each={props.agents} fallback={<tr><td colspan="6" class="muted">No agents yet.</td></tr>}>
              {(agent) => <AgentCostRow agent={agent} sessionId={props.sessionId} />}
            </For>
      </DataTable>
      <Show when={data.error()}>{(error) => <ErrorNotice error={error()} title="Could not load the history" />}</Show>
      <p class="muted small" role="status">
        {data.loading() ? "Reading history…" : `${formatCount(data.series().events)} events charted; live.`}
      </p>
      <div class="charts">
        <Chart x={chart().x} series={costSeries()} label="Cost over time (cumulative USD)" summary={`${formatCost(chart().cost.at(-1) ?? 0)} in total`} />
        <Chart x={chart().x} series={activitySeries()} label="Activity (events over time)" summary={`${formatCount(data.series().events)} events, at most ${formatCount(peak())} per ${bucketLabel(data.series().bucketMs)}`} />
      </div>
    </section>
  );
}

function AgentCostRow(props: { agent: Agent; sessionId: string }) {
  const [editing, setEditing] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const save = useAction(setAgentBudget);
  const submission = useSubmission(setAgentBudget, ([input]) => input.agentId === props.agent.id);
  const usd = () => budgetLeft(props.agent.costUsd, props.agent.budgetUsd);
  const tokens = () => budgetLeft(props.agent.inputTokens + props.agent.outputTokens, props.agent.budgetTokens);

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const usdText = formText(data, "usd").trim();
    const tokenText = formText(data, "tokens").trim();
    const usdValue = usdText ? Number(usdText) : null;
    const tokenValue = tokenText ? Number(tokenText) : null;
    if ((usdValue !== null && !(usdValue > 0)) || (tokenValue !== null && !(Number.isInteger(tokenValue) && tokenValue > 0))) {
      return setError("Budgets are positive numbers (tokens: whole numbers); leave empty for none.");
    }
    try {
      await save({ sessionId: props.sessionId, agentId: props.agent.id, usd: usdValue, tokens: tokenValue });
      setError(null);
      setEditing(false);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <>
      <tr data-agent={props.agent.name}>
        <th scope="row">{props.agent.name}</th>
        <td class="num">{formatCost(props.agent.costUsd)}</td>
        <td class="num">{formatCount(props.agent.inputTokens)}</td>
        <td class="num">{formatCount(props.agent.outputTokens)}</td>
        <td>
          <Show when={usd() || tokens()} fallback={<span class="muted">no budget</span>}>
            <Show when={usd()}>
              {(b) => (
                <div class="budget">
                  <meter min="0" max="1" low={0.2} high={0.5} optimum={1} value={b().fraction} aria-label={`${props.agent.name} USD budget left`} />
                  {formatCost(b().left)} of {formatCost(props.agent.budgetUsd)}
                </div>
              )}
            </Show>
            <Show when={tokens()}>
              {(b) => (
                <div class="budget">
                  <meter min="0" max="1" low={0.2} high={0.5} optimum={1} value={b().fraction} aria-label={`${props.agent.name} token budget left`} />
                  {formatCount(b().left)} of {formatCount(props.agent.budgetTokens ?? 0)} tokens
                </div>
              )}
            </Show>
          </Show>
        </td>
        <td class="actions">
          <Show when={props.agent.driver !== "external"}>
            <button type="button" class="button small" aria-expanded={editing()} onClick={() => setEditing(!editing())}>
              Set budget
            </button>
          </Show>
        </td>
      </tr>
      <Show when={editing()}>
        <tr>
          <td colspan="6">
            <form class="inline-form" onSubmit={(e) => void onSubmit(e)}>
              <label for={`budget-usd-${props.agent.id}`}>USD</label>
              <input id={`budget-usd-${props.agent.id}`} name="usd" type="number" min="0" step="0.01" value={props.agent.budgetUsd ?? ""} />
              <label for={`budget-tokens-${props.agent.id}`}>Tokens</label>
              <input id={`budget-tokens-${props.agent.id}`} name="tokens" type="number" min="0" step="1000" value={props.agent.budgetTokens ?? ""} />
              <button type="submit" class="button small primary" disabled={submission.pending}>
                Save
              </button>
              <Show when={error()}>
                <span class="field-error" role="alert">
                  {error()}
                </span>
              </Show>
            </form>
          </td>
        </tr>
      </Show>
    </>
  );
}
