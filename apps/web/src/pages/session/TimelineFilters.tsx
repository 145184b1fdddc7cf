import { For, createEffect, createSignal, on, onCleanup, untrack } from "solid-js";
import type { Agent } from "../../api/types.ts";

export interface FilterValues {
  agent: string;
  type: string;
  q: string;
}

/** Event types Claude Code hooks map to (packages/orchestrator normalize), offered as suggestions. */
const COMMON_TYPES = [
  "tool.started",
  "tool.finished",
  "prompt.submitted",
  "turn.finished",
  "agent.notification",
  "agent.failed",
  "permission.requested",
  "session.started",
  "session.ended",
  "subagent.started",
  "subagent.finished",
];

/**
 * Agent, type and free-text filters. Values live in the URL (so a filtered view can be shared and survives
 * reloads); free text is debounced so typing does not re-query on every key.
 */
export function TimelineFilters(props: {
  values: FilterValues;
  agents: readonly Agent[];
  seenTypes: readonly string[];
  onChange(values: Partial<FilterValues>): void;
  /** Escape in the search box: the box is left (its text kept) and focus goes back to the timeline. */
  onLeave(): void;
}) {
  // Local copies the user edits; the effects below follow outside changes.
  const [text, setText] = createSignal(untrack(() => props.values.q));
  const [type, setType] = createSignal(untrack(() => props.values.type));
  // Follow the URL when it changes from outside (back/forward, a link).
  createEffect(on(() => props.values.q, (q) => setText(q), { defer: true }));
  createEffect(on(() => props.values.type, (t) => setType(t), { defer: true }));

  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: Partial<FilterValues> = {};
  const debounced = (values: Partial<FilterValues>) => {
    pending = { ...pending, ...values };
    clearTimeout(timer);
    timer = setTimeout(() => {
      const changes = pending;
      pending = {};
      props.onChange(changes);
    }, 300);
  };
  onCleanup(() => clearTimeout(timer));

  const typeOptions = () => [...new Set([...props.seenTypes, ...COMMON_TYPES])].sort();

  return (
    <form class="filters" role="search" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="filter-agent">Agent</label>
        <select id="filter-agent" value={props.values.agent} onChange={(e) => props.onChange({ agent: e.currentTarget.value })}>
          <option value="">All agents</option>
          <For each={props.agents}>{(agent) => <option value={agent.id}>{agent.name}</option>}</For>
        </select>
      </div>
      <div class="field">
        <label for="filter-type">Type</label>
        <input
          id="filter-type"
          list="filter-type-options"
          placeholder="e.g. tool.started"
          autocomplete="off"
          value={type()}
          onInput={(e) => {
            setType(e.currentTarget.value);
            debounced({ type: e.currentTarget.value });
          }}
        />
        <datalist id="filter-type-options">
          <For each={typeOptions()}>{(t) => <option value={t} />}</For>
        </datalist>
      </div>
      <div class="field grow">
        <label for="filter-text">Search</label>
        <input
          id="filter-text"
          type="search"
          placeholder="summary, tool, file or type"
          autocomplete="off"
          maxlength="200"
          value={text()}
          onInput={(e) => {
            setText(e.currentTarget.value);
            debounced({ q: e.currentTarget.value });
          }}
          onKeyDown={(e) => {
            if (e.key !== "Escape") return;
            // Not the browser's clear-the-field: Escape leaves the box (and closes nothing else on the way).
            e.preventDefault();
            e.currentTarget.blur();
            props.onLeave();
          }}
        />
      </div>
      <button
        type="button"
        class="button small ghost"
        disabled={!props.values.agent && !props.values.type && !props.values.q}
        onClick={() => {
          clearTimeout(timer);
          pending = {};
          setText("");
          setType("");
          props.onChange({ agent: "", type: "", q: "" });
        }}
      >
        Clear filters
      </button>
    </form>
  );
}
