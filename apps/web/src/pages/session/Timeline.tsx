import { For, Show, createEffect, createMemo, createSignal, on, onCleanup, onMount } from "solid-js";
import type { Agent, TimelineEvent } from "../../api/types.ts";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { hueStyle, shortId } from "../../lib/agent-colour.ts";
import { formatClock, formatCount } from "../../lib/format.ts";
import { indexOfSeq } from "../../state/timeline-reducer.ts";
import type { Timeline as TimelineStore } from "../../state/timeline-store.ts";

/** Fixed row height (px): windowing needs it; keep in step with `--row-h` in styles.css. */
export const ROW_HEIGHT = 30;
const OVERSCAN = 12;

interface TimelineProps {
  timeline: TimelineStore;
  agents: ReadonlyMap<string, Agent>;
  hueOf(agentId: string): number;
  selectedSeq: number | null;
  hrefFor(seq: number): string;
  select(seq: number): void;
  /** Replaces "following live" / "not live" (the replay says where it is instead). */
  statusLabel?: string | undefined;
  title?: string | undefined;
}

function kindOf(event: TimelineEvent): string {
  if (event.status === "error" || event.status === "denied" || event.type.endsWith(".failed")) return "error";
  return event.type.split(".", 1)[0] ?? "";
}

/**
 * The event list. Only the rows in view (plus some overscan) are in the DOM; the list's height stands in for the
 * rest. It sticks to the newest event while scrolled to the bottom, and keeps what is on screen in place when
 * older pages are prepended or the cap drops the oldest rows.
 */
export function Timeline(props: TimelineProps) {
  let viewport!: HTMLDivElement;
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewportHeight, setViewportHeight] = createSignal(600);
  const [stick, setStick] = createSignal(true);
  /** The first row in view and how far into it we are scrolled: restored after rows are added or dropped above. */
  let anchor: { seq: number; offset: number } | null = null;

  const events = () => props.timeline.state().events;
  const range = createMemo(() => {
    const count = events().length;
    const start = Math.max(0, Math.floor(scrollTop() / ROW_HEIGHT) - OVERSCAN);
    const end = Math.min(count, Math.ceil((scrollTop() + viewportHeight()) / ROW_HEIGHT) + OVERSCAN);
    return { start, end };
  });
  const visible = createMemo(() => events().slice(range().start, range().end));

  /** Where we last scrolled to ourselves: the scroll event that follows it is ours, not the operator's. */
  let autoScrollTop = -1;

  function onScroll() {
    const top = viewport.scrollTop;
    setScrollTop(top);
    // Rows may have been added between our scroll and its event (hundreds a second live, every frame in a
    // replay): that is not the operator scrolling up, so it must not stop the following.
    const ours = Math.abs(top - autoScrollTop) < 2;
    if (!ours) setStick(top + viewport.clientHeight >= viewport.scrollHeight - ROW_HEIGHT / 2);
    const index = Math.floor(top / ROW_HEIGHT);
    const first = events()[index];
    anchor = first ? { seq: first.seq, offset: top - index * ROW_HEIGHT } : null;
    if (top < ROW_HEIGHT * 2) void props.timeline.loadOlder();
  }

  function scrollToBottom() {
    viewport.scrollTop = viewport.scrollHeight;
    autoScrollTop = viewport.scrollTop;
    setScrollTop(viewport.scrollTop);
    setStick(true);
  }

  function ensureVisible(index: number) {
    const top = index * ROW_HEIGHT;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
    setScrollTop(viewport.scrollTop);
  }

  onMount(() => {
    const observer = new ResizeObserver(() => setViewportHeight(viewport.clientHeight));
    observer.observe(viewport);
    setViewportHeight(viewport.clientHeight);
    onCleanup(() => observer.disconnect());
  });

  // After the list changes (the DOM height is already updated): follow the newest, or keep the anchor row still.
  createEffect(
    on(events, (list) => {
      if (stick()) {
        scrollToBottom();
        return;
      }
      if (!anchor) return;
      const index = indexOfSeq(list, anchor.seq);
      if (index >= 0) {
        viewport.scrollTop = index * ROW_HEIGHT + anchor.offset;
        setScrollTop(viewport.scrollTop);
      }
    }),
  );

  // A new query starts at the newest events again.
  createEffect(on(() => props.timeline.phase(), (phase) => phase === "loading" && setStick(true)));

  // A deep link to an event: once it is loaded, bring it into view (once per selection).
  let revealed: number | null = null;
  createEffect(() => {
    const seq = props.selectedSeq;
    if (seq === null || seq === revealed) return;
    const index = indexOfSeq(events(), seq);
    if (index < 0) return;
    revealed = seq;
    const top = index * ROW_HEIGHT;
    if (top < viewport.scrollTop || top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) {
      setStick(false);
      viewport.scrollTop = Math.max(0, top - viewport.clientHeight / 2);
      setScrollTop(viewport.scrollTop);
    }
  });

  function onKeyDown(e: KeyboardEvent) {
    const list = events();
    if (list.length === 0) return;
    // From the selected row, else from the focused one, else from the newest.
    const focused = (e.target as HTMLElement | null)?.closest<HTMLElement>("[data-seq]")?.dataset.seq;
    const from = props.selectedSeq ?? (focused === undefined ? null : Number(focused));
    const current = from === null ? -1 : indexOfSeq(list, from);
    let next: number;
    if (e.key === "ArrowDown" || e.key === "j") next = current < 0 ? list.length - 1 : Math.min(list.length - 1, current + 1);
    else if (e.key === "ArrowUp" || e.key === "k") next = current < 0 ? list.length - 1 : Math.max(0, current - 1);
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = list.length - 1;
    else return;
    e.preventDefault();
    const seq = list[next]!.seq;
    setStick(next === list.length - 1 && stick());
    ensureVisible(next);
    props.select(seq);
    requestAnimationFrame(() => viewport.querySelector<HTMLElement>(`[data-seq="${seq}"] a`)?.focus());
  }

  const agentName = (agentId: string | null) => {
    if (!agentId) return "—";
    return props.agents.get(agentId)?.name ?? shortId(agentId);
  };

  return (
    <section class="timeline" aria-labelledby="timeline-title">
      <div class="timeline-bar">
        <h2 id="timeline-title" class="section-title">
          {props.title ?? "Timeline"}
        </h2>
        <span class="muted small">
          {formatCount(events().length)} events
          {props.timeline.state().hasMoreBefore ? " (more older)" : ""}
        </span>
        <span class="live-flag" data-live={props.timeline.live() ? "yes" : "no"}>
          {props.statusLabel ?? (props.timeline.live() ? "following live" : props.timeline.phase() === "loading" ? "loading…" : "not live")}
        </span>
        <span class="spacer" />
        <Show when={props.timeline.state().hasMoreBefore}>
          <Show
            when={props.timeline.canLoadOlder()}
            fallback={<span class="muted small">Newest {formatCount(props.timeline.state().cap)} kept; narrow the filters for older ones</span>}
          >
            <button type="button" class="button small" disabled={props.timeline.loadingOlder()} onClick={() => void props.timeline.loadOlder()}>
              {props.timeline.loadingOlder() ? "Loading…" : "Load older"}
            </button>
          </Show>
        </Show>
      </div>
      <Show when={props.timeline.error()}>
        {(error) => <ErrorNotice error={error()} retry={() => void props.timeline.reload()} title="Timeline" />}
      </Show>
      <div class="tl-head" aria-hidden="true">
        <span>Time</span>
        <span>Agent</span>
        <span>Type</span>
        <span>Tool</span>
        <span>Summary</span>
      </div>
      <div class="tl-viewport" ref={viewport} onScroll={onScroll} onKeyDown={onKeyDown}>
        <Show when={props.timeline.phase() !== "loading" || events().length > 0} fallback={<p class="muted pad">Loading events…</p>}>
          <Show when={events().length > 0} fallback={<p class="muted pad">No events{props.timeline.phase() === "ready" ? " match yet; new ones appear here as they arrive" : ""}.</p>}>
            <ol
              class="tl-list"
              aria-label={`Events ${range().start + 1} to ${range().end} of ${events().length}`}
              style={{ height: `${events().length * ROW_HEIGHT}px`, "padding-top": `${range().start * ROW_HEIGHT}px` }}
            >
              <For each={visible()}>
                {(event) => (
                  <li
                    class="tl-row"
                    data-seq={event.seq}
                    data-kind={kindOf(event)}
                    aria-current={props.selectedSeq === event.seq ? "true" : undefined}
                    style={hueStyle(event.agentId ? props.hueOf(event.agentId) : null)}
                  >
                    <a href={props.hrefFor(event.seq)}>
                      <time class="tl-time" datetime={new Date(event.receivedAt).toISOString()}>
                        {formatClock(event.receivedAt)}
                      </time>
                      <span class="tl-agent">
                        <span class="agent-dot" aria-hidden="true" />
                        {agentName(event.agentId)}
                      </span>
                      <span class="tl-type">{event.type}</span>
                      <span class="tl-tool">{event.toolName ?? ""}</span>
                      <span class="tl-summary">{event.summary ?? event.filePath ?? ""}</span>
                    </a>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        </Show>
      </div>
      <Show when={!stick() && events().length > 0}>
        <button type="button" class="button small jump" onClick={scrollToBottom}>
          Jump to latest ↓
        </button>
      </Show>
    </section>
  );
}
