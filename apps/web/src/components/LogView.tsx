import { For, Index, Show, createEffect, createMemo, createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { openByDefault, plainText, searchRunLog, type RunGroup } from "../lib/run-log.ts";
import type { RunLogStore } from "../state/run-log-store.ts";
import { RUN_LOG_MAX_EVENTS } from "../state/run-log-store.ts";
import { AnsiInline, AnsiSegments } from "./AnsiText.tsx";
import { ErrorNotice } from "./ErrorNotice.tsx";

const STATUS_MARK: Record<string, string> = { running: "●", ok: "✓", error: "✕", cancelled: "⊘", denied: "⊘", incomplete: "…" };

function formatDuration(ms: number | null): string {
  if (ms === null) return "";
  return ms < 1_000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1_000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

const copy = (text: string) => void navigator.clipboard?.writeText(text);

/**
 * A command's run log as CI systems show one: a collapsible group per tool run (and notes between), output
 * with its ANSI colours, streaming while the command runs, copy per group or whole, and search that opens the
 * groups it matches. `focusSeq` opens the group holding that event and marks its lines.
 */
export function LogView(props: { log: RunLogStore; focusSeq?: number | null | undefined; label?: string }) {
  const [query, setQuery] = createSignal("");
  const [expanded, setExpanded] = createStore<Record<string, boolean>>({});
  const groups = () => props.log.groups();
  const search = createMemo(() => searchRunLog(groups(), query()));
  const focusGroup = createMemo(() => {
    const seq = props.focusSeq;
    return seq == null ? null : groups().find((g) => g.firstSeq === seq || g.lines.some((l) => l.seq === seq))?.id ?? null;
  });
  const isOpen = (group: RunGroup, index: number) =>
    expanded[group.id] ?? (search().matches.has(group.id) || focusGroup() === group.id || (search().total === 0 && openByDefault(group, index, groups().length)));
  const setAll = (open: boolean) => setExpanded(Object.fromEntries(groups().map((g) => [g.id, open])));
  const finished = () => {
    const status = props.log.command()?.status;
    return status === "completed" || status === "failed" || status === "cancelled";
  };

  let root: HTMLElement | undefined;
  // Bring the focused event's lines into view once they are there.
  let revealed = false;
  createEffect(() => {
    if (revealed || !focusGroup() || !root) return;
    const line = root.querySelector<HTMLElement>(".log-line.focus, .log-group.focus");
    if (line) {
      revealed = true;
      line.scrollIntoView({ block: "center" });
    }
  });

  return (
    <section class="log-view" aria-label={props.label ?? "Run log"} ref={root}>
      <div class="log-toolbar">
        <input type="search" class="log-search" placeholder="Search the log" aria-label="Search the log" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
        <span class="muted small" aria-live="polite">
          {query().trim() ? `${search().total} matching line${search().total === 1 ? "" : "s"}` : ""}
        </span>
        <span class="spacer" />
        <span class="live-flag" data-live={props.log.live() && !finished() ? "yes" : "no"}>
          {finished() ? "finished" : props.log.live() ? "streaming" : props.log.loading() ? "loading…" : "not live"}
        </span>
        <button type="button" class="button small ghost" onClick={() => setAll(true)}>
          Expand all
        </button>
        <button type="button" class="button small ghost" onClick={() => setAll(false)}>
          Collapse all
        </button>
        <button type="button" class="button small ghost" onClick={() => copy(plainText(groups()))}>
          Copy log
        </button>
      </div>
      <Show when={props.log.error()}>{(error) => <ErrorNotice error={error()} retry={() => props.log.retry()} title="Run log" />}</Show>
      <Show when={props.log.capped()}>
        <p class="notice small">The first {RUN_LOG_MAX_EVENTS.toLocaleString()} events of this command are shown; the export has all of them.</p>
      </Show>
      <Show when={groups().length > 0} fallback={<p class="muted pad">{props.log.loading() ? "Loading the run log…" : "No output yet."}</p>}>
        <ol class="log-groups">
          <Index each={groups()}>
            {(group, index) => {
              const open = () => isOpen(group(), index);
              const hits = () => new Set(search().matches.get(group().id) ?? []);
              const bodyId = () => `log-group-${index}`;
              return (
                <li class="log-group" data-status={group().status ?? "note"} data-kind={group().kind} classList={{ focus: focusGroup() === group().id }}>
                  <div class="log-group-head">
                    <button
                      type="button"
                      class="log-group-toggle"
                      aria-expanded={open()}
                      aria-controls={bodyId()}
                      onClick={() => setExpanded(group().id, !open())}
                    >
                      <span class="log-caret" aria-hidden="true">
                        {open() ? "▾" : "▸"}
                      </span>
                      <Show when={group().status}>
                        {(status) => (
                          <span class="log-status" data-status={status()} title={status()}>
                            {STATUS_MARK[status()] ?? "•"}
                            <span class="visually-hidden"> {status()}</span>
                          </span>
                        )}
                      </Show>
                      <AnsiInline class="log-title" text={group().title} />
                      <span class="muted small">
                        {group().lines.length} line{group().lines.length === 1 ? "" : "s"}
                        {group().durationMs !== null ? ` · ${formatDuration(group().durationMs)}` : ""}
                      </span>
                    </button>
                    <button type="button" class="button small ghost" aria-label={`Copy ${group().title}`} onClick={() => copy(plainText([group()]))}>
                      Copy
                    </button>
                  </div>
                  <Show when={open()}>
                    <ol class="log-lines" id={bodyId()} tabindex="0" aria-label={`Output of ${group().title}`}>
                      <For each={group().lines}>
                        {(line, n) => (
                          <li class="log-line" data-stream={line.stream} data-seq={line.seq} classList={{ match: hits().has(n()), focus: line.seq === props.focusSeq }}>
                            <span class="log-ln" aria-hidden="true">
                              {n() + 1}
                            </span>
                            <span class="log-text">
                              <AnsiSegments segments={line.segments} />
                            </span>
                          </li>
                        )}
                      </For>
                    </ol>
                  </Show>
                </li>
              );
            }}
          </Index>
        </ol>
      </Show>
    </section>
  );
}
