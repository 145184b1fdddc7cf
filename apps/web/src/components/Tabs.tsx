import { For, createUniqueId, type JSX } from "solid-js";

export interface TabDef<T extends string> {
  id: T;
  label: string;
  /** Shown after the label, e.g. a count. */
  badge?: string | undefined;
}

/** WAI-ARIA tabs: arrow keys move between tabs, the panel is labelled by its tab. */
export function Tabs<T extends string>(props: { tabs: readonly TabDef<T>[]; selected: T; onSelect(id: T): void; label: string; children: JSX.Element }) {
  const base = createUniqueId();
  let list!: HTMLDivElement;
  function onKeyDown(e: KeyboardEvent) {
    const index = props.tabs.findIndex((t) => t.id === props.selected);
    let next = -1;
    if (e.key === "ArrowRight") next = (index + 1) % props.tabs.length;
    else if (e.key === "ArrowLeft") next = (index - 1 + props.tabs.length) % props.tabs.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = props.tabs.length - 1;
    else return;
    e.preventDefault();
    const tab = props.tabs[next]!;
    props.onSelect(tab.id);
    list.querySelector<HTMLElement>(`#${base}-tab-${tab.id}`)?.focus();
  }
  return (
    <div class="tabs">
      <div class="tab-list" role="tablist" aria-label={props.label} ref={list} onKeyDown={onKeyDown}>
        <For each={props.tabs}>
          {(tab) => (
            <button
              type="button"
              role="tab"
              id={`${base}-tab-${tab.id}`}
              aria-selected={props.selected === tab.id}
              aria-controls={`${base}-panel`}
              tabindex={props.selected === tab.id ? 0 : -1}
              class="tab"
              onClick={() => props.onSelect(tab.id)}
            >
              {tab.label}
              {tab.badge ? <span class="tab-badge">{tab.badge}</span> : null}
            </button>
          )}
        </For>
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${props.selected}`} class="tab-panel">
        {props.children}
      </div>
    </div>
  );
}
