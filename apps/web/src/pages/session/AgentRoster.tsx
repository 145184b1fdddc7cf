import { For, Show } from "solid-js";
import type { Agent } from "../../api/types.ts";
import { hueStyle } from "../../lib/agent-colour.ts";
import { formatCost, formatDateTime, formatTokens } from "../../lib/format.ts";

/** The session's agents; choosing one filters the timeline to it (choosing it again clears that). */
export function AgentRoster(props: {
  agents: readonly Agent[];
  hueOf(agentId: string): number;
  selectedAgentId: string;
  onSelect(agentId: string): void;
}) {
  return (
    <section class="roster" aria-labelledby="roster-title">
      <h2 id="roster-title" class="section-title">
        Agents <span class="muted small">({props.agents.length})</span>
      </h2>
      <Show when={props.agents.length > 0} fallback={<p class="muted small">No agents yet. They appear when their first event arrives.</p>}>
        <ul class="roster-list">
          <For each={props.agents}>
            {(agent) => (
              <li style={hueStyle(props.hueOf(agent.id))}>
                <button
                  type="button"
                  class="roster-item"
                  aria-pressed={props.selectedAgentId === agent.id}
                  title={props.selectedAgentId === agent.id ? "Show all agents" : `Show only ${agent.name}'s events`}
                  onClick={() => props.onSelect(props.selectedAgentId === agent.id ? "" : agent.id)}
                >
                  <span class="roster-name">
                    <span class="agent-dot" aria-hidden="true" />
                    {agent.name}
                  </span>
                  <span class="pill" data-status={agent.status}>
                    {agent.status}
                  </span>
                  <span class="roster-meta muted small">
                    {agent.driver}
                    {agent.model ? ` · ${agent.model}` : ""}
                  </span>
                  <span class="roster-meta muted small">
                    {formatCost(agent.costUsd)} · {formatTokens(agent.inputTokens, agent.outputTokens)}
                  </span>
                  <Show when={agent.lastEventAt}>
                    <span class="roster-meta muted small">last event {formatDateTime(agent.lastEventAt)}</span>
                  </Show>
                  <Show when={agent.lastError}>
                    <span class="roster-meta error-text small">{agent.lastError}</span>
                  </Show>
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
