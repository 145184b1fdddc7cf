import { For, Show, createMemo, type Accessor } from "solid-js";
import { COMMANDABLE_AGENT_STATUSES, INTERRUPTIBLE_AGENT_STATUSES, RESUMABLE_AGENT_STATUSES } from "@rozet/vocabulary";
import type { Agent } from "../../api/types.ts";
import { hueStyle } from "../../lib/agent-colour.ts";
import { formatCost, formatCount, formatTokens } from "../../lib/format.ts";
import { currentTool, formatAge, type ActivityState } from "../../state/activity.ts";
import { AnsiInline } from "../../components/AnsiText.tsx";
import { commandStatusLabel } from "../../lib/names.ts";
import type { CommandEntry } from "../../state/commands.ts";

export interface RosterActions {
  interrupt(agent: Agent): void;
  stop(agent: Agent): void;
  resume(agent: Agent): void;
  /** Opens the command box for this agent. */
  compose(agent: Agent): void;
  create(): void;
}

const RUNNING: ReadonlySet<string> = COMMANDABLE_AGENT_STATUSES;
const INTERRUPTIBLE: ReadonlySet<string> = INTERRUPTIBLE_AGENT_STATUSES;
const RESUMABLE: ReadonlySet<string> = RESUMABLE_AGENT_STATUSES;

/** What is left of a budget, as a fraction (0–1) and text; null without a budget. */
export function budgetLeft(spent: number, budget: number | null): { fraction: number; left: number } | null {
  if (budget === null || budget <= 0) return null;
  const left = Math.max(0, budget - spent);
  return { fraction: left / budget, left };
}

/**
 * The session's agents: status, what each is doing now, when it was last heard from, cost, tokens and budget,
 * and the operator's actions. Choosing an agent filters the timeline to it (choosing it again clears that).
 * Agents reported by hooks (driver "external") are shown without actions: nothing here drives them.
 */
export function AgentRoster(props: {
  agents: readonly Agent[];
  hueOf(agentId: string): number;
  selectedAgentId: string;
  onSelect(agentId: string): void;
  activity: ActivityState;
  commands?: readonly CommandEntry[];
  now: Accessor<number>;
  actions?: RosterActions;
  /** Replay: the roster shows a past moment; no actions. */
  readOnly?: boolean;
}) {
  return (
    <section class="roster" aria-labelledby="roster-title">
      <div class="roster-head">
        <h2 id="roster-title" class="section-title">
          Agents <span class="muted small">({props.agents.length})</span>
        </h2>
        <Show when={!props.readOnly && props.actions}>
          {(actions) => (
            <button type="button" class="button small" onClick={() => actions().create()} title="New agent (shortcut n)">
              + New agent
            </button>
          )}
        </Show>
      </div>
      <Show when={props.agents.length > 0} fallback={<p class="muted small">No agents yet. Create one, or they appear when their first hook event arrives.</p>}>
        <ul class="roster-list">
          <For each={props.agents}>
            {(agent) => (
              <AgentCard
                agent={agent}
                hue={props.hueOf(agent.id)}
                selected={props.selectedAgentId === agent.id}
                onSelect={() => props.onSelect(props.selectedAgentId === agent.id ? "" : agent.id)}
                activity={props.activity}
                commands={props.commands}
                now={props.now}
                actions={props.readOnly ? undefined : props.actions}
              />
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

function AgentCard(props: {
  agent: Agent;
  hue: number;
  selected: boolean;
  onSelect(): void;
  activity: ActivityState;
  commands: readonly CommandEntry[] | undefined;
  now: Accessor<number>;
  actions: RosterActions | undefined;
}) {
  const activity = () => props.activity.agents[props.agent.id];
  const tool = () => currentTool(activity());
  const lastEventAt = createMemo(() => Math.max(props.agent.lastEventAt ? Date.parse(props.agent.lastEventAt) : 0, activity()?.lastEventAt ?? 0));
  const lastCommand = () => props.commands?.filter((c) => c.agentId === props.agent.id).at(-1);
  const external = () => props.agent.driver === "external";
  const usd = () => budgetLeft(props.agent.costUsd, props.agent.budgetUsd);
  const tokens = () => budgetLeft(props.agent.inputTokens + props.agent.outputTokens, props.agent.budgetTokens);
  const status = () => props.agent.status;
  return (
    <li class="agent-card" style={hueStyle(props.hue)} data-agent={props.agent.name} data-status={status()}>
      <button
        type="button"
        class="roster-item"
        aria-pressed={props.selected}
        title={props.selected ? "Show all agents" : `Show only ${props.agent.name}'s events`}
        onClick={() => props.onSelect()}
      >
        <span class="roster-name">
          <span class="agent-dot" aria-hidden="true" />
          {props.agent.name}
        </span>
        <span class="pill" data-status={status()}>
          {status()}
        </span>
        <span class="roster-meta muted small">
          {external() ? "external (hooks)" : props.agent.driver}
          {typeof props.agent.config.profile === "string" ? ` · ${props.agent.config.profile}` : ""}
          {props.agent.model ? ` · ${props.agent.model}` : ""}
          {props.agent.config.worktree ? " · worktree" : ""}
        </span>
        <span class="roster-meta small activity" data-active={tool() ? "yes" : "no"}>
          <Show when={tool()} fallback={<span class="muted">{lastEventAt() > 0 ? `last event ${formatAge(props.now() - lastEventAt())} ago` : "no events yet"}</span>}>
            {(t) => (
              <>
                <span aria-hidden="true">▶ </span>
                <span class="visually-hidden">Running now: </span>
                {t().summary ?? t().toolName} <span class="muted">· {formatAge(props.now() - t().since)}</span>
              </>
            )}
          </Show>
        </span>
        <span class="roster-meta muted small">
          {formatCost(props.agent.costUsd)} · {formatTokens(props.agent.inputTokens, props.agent.outputTokens)}
        </span>
        <Show when={usd()}>
          {(b) => (
            <span class="roster-meta small budget">
              <meter min="0" max="1" low={0.2} high={0.5} optimum={1} value={b().fraction} aria-label={`${props.agent.name} USD budget left`} />
              {formatCost(b().left)} of {formatCost(props.agent.budgetUsd)} left
            </span>
          )}
        </Show>
        <Show when={tokens()}>
          {(b) => (
            <span class="roster-meta small budget">
              <meter min="0" max="1" low={0.2} high={0.5} optimum={1} value={b().fraction} aria-label={`${props.agent.name} token budget left`} />
              {formatCount(b().left)} of {formatCount(props.agent.budgetTokens ?? 0)} tokens left
            </span>
          )}
        </Show>
        <Show when={props.agent.lastError}>
          <AnsiInline class="roster-meta error-text small" title={props.agent.lastError ?? ""} text={props.agent.lastError ?? ""} />
        </Show>
        <Show when={lastCommand()}>
          {(c) => (
            <span class="roster-meta small command-line">
              <span class="pill" data-status={commandStatusLabel(c())}>
                {commandStatusLabel(c())}
              </span>{" "}
              <span class="muted">{c().text}</span>
            </span>
          )}
        </Show>
      </button>
      <Show when={props.actions && !external()}>
        <div class="agent-actions" role="group" aria-label={`Actions for ${props.agent.name}`}>
          <Show when={RUNNING.has(status())}>
            <button type="button" class="button small" onClick={() => props.actions!.compose(props.agent)}>
              Command
            </button>
          </Show>
          <Show when={INTERRUPTIBLE.has(status())}>
            <button type="button" class="button small" onClick={() => props.actions!.interrupt(props.agent)}>
              Interrupt
            </button>
          </Show>
          <Show when={RUNNING.has(status())}>
            <button type="button" class="button small danger" onClick={() => props.actions!.stop(props.agent)}>
              Stop
            </button>
          </Show>
          <Show when={RESUMABLE.has(status())}>
            <button type="button" class="button small" onClick={() => props.actions!.resume(props.agent)}>
              Resume
            </button>
          </Show>
        </div>
      </Show>
    </li>
  );
}
