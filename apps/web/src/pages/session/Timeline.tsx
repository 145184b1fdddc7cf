import { For, Show, batch, createEffect, createMemo, createSignal, on, onCleanup, onMount, untrack } from "solid-js";
import type { Agent, TimelineEvent } from "../../api/types.ts";
import { AnsiInline } from "../../components/AnsiText.tsx";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { hueStyle, shortId } from "../../lib/agent-colour.ts";
import { formatClock, formatCount } from "../../lib/format.ts";
import { eventTime, receivedLater } from "../../lib/jump-target.ts";
import { contentHeight, firstRowAt, MAX_SCROLL_PX, rowTop, scrollTopCentring, scrollTopFor, type ScrollGeometry } from "../../lib/virtual-scroll.ts";
import type { TimelineRows } from "../../state/timeline-window-store.ts";
import { TimelineJump } from "./TimelineJump.tsx";

/** Fixed row height (px): windowing needs it; keep in step with `--row-h` in styles.css. */
export const ROW_HEIGHT = 30;
const OVERSCAN = 12;

interface TimelineProps {
  rows: TimelineRows;
  agents: ReadonlyMap<string, Agent>;
  hueOf(agentId: string): number;
  selectedSeq: number | null;
  hrefFor(seq: number): string;
  select(seq: number): void;
  /** Replaces "following live" / "not live" (the replay says where it is instead). */
  statusLabel?: string | undefined;
  title?: string | undefined;
  /** Offer "Go to" an event number or a time. */
  jump?: boolean;
  /** What an empty list says (the replay has its own: nothing there arrives live). */
  emptyText?: string | undefined;
}

function kindOf(event: TimelineEvent): string {
  if (event.status === "error" || event.status === "denied" || event.type.endsWith(".failed")) return "error";
  return event.type.split(".", 1)[0] ?? "";
}

/**
 * The event list over the whole (filtered) session: the scrollbar stands for every row, only the rows in view
 * (plus some overscan) are in the DOM, and the rows store fetches the pages the view needs. It follows the newest
 * event while scrolled to the bottom; scrolled up, it stays where it is and counts "N new events".
 */
export function Timeline(props: TimelineProps) {
  let viewport!: HTMLDivElement;
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewportHeight, setViewportHeight] = createSignal(600);
  const [stick, setStick] = createSignal(true);
  /** The total when following stopped: what came since is "N new events". */
  const [totalWhenLeft, setTotalWhenLeft] = createSignal(0);

  // A memo: effects "on the count" must run when the count changes, not on every change of the rows store (a page
  // fetched or touched by scrolling used to re-run them and snap the view back to where it was).
  const total = createMemo(() => props.rows.total());
  const geometry = (): ScrollGeometry => ({ total: total(), rowHeight: ROW_HEIGHT, viewportHeight: viewportHeight() });
  const first = createMemo(() => firstRowAt(scrollTop(), geometry()));
  const range = createMemo(
    () => {
      const start = Math.max(0, Math.floor(first()) - OVERSCAN);
      const end = Math.min(total(), Math.ceil(first() + viewportHeight() / ROW_HEIGHT) + OVERSCAN);
      return { start, end };
    },
    undefined,
    { equals: (a, b) => a.start === b.start && a.end === b.end },
  );
  const positions = createMemo(() => {
    const { start, end } = range();
    return Array.from({ length: end - start }, (_, i) => start + i);
  });
  createEffect(() => props.rows.request(range().start, range().end));

  /** Where we last scrolled to ourselves: the scroll event that follows it is ours, not the operator's. */
  let autoScrollTop = -1;
  /** The (fractional) first row in view, kept in place while the count grows below a scaled scrollbar. */
  let anchorRow = 0;

  function scrollTo(top: number) {
    const g = untrack(geometry);
    // The rows of the new view go into the DOM first, so the browser lays the list out once (moving the scroll
    // position forces a layout; done before the rows change, the frame paid for a second one).
    setScrollTop(Math.max(0, Math.min(top, contentHeight(g) - g.viewportHeight)));
    viewport.scrollTop = top;
    autoScrollTop = viewport.scrollTop;
    setScrollTop(autoScrollTop);
    anchorRow = firstRowAt(autoScrollTop, g);
  }

  function leave() {
    if (!untrack(stick)) return;
    setStick(false);
    setTotalWhenLeft(untrack(total));
  }

  function onScroll() {
    const top = viewport.scrollTop;
    // Whether we follow and where the view is anchored are settled before the new position is published, so
    // nothing that runs on it (fetching pages, a count that grew) sees the old ones.
    batch(() => {
      // Rows may have been added between our scroll and its event (hundreds a second live): that is not the
      // operator scrolling up, so it must not stop the following.
      if (Math.abs(top - autoScrollTop) >= 2) {
        anchorRow = firstRowAt(top, untrack(geometry));
        if (top + viewport.clientHeight >= viewport.scrollHeight - ROW_HEIGHT / 2) setStick(true);
        else leave();
      }
      setScrollTop(top);
    });
  }

  function followLatest() {
    setStick(true);
    scrollTo(contentHeight(untrack(geometry)));
  }

  function centre(position: number) {
    leave();
    scrollTo(scrollTopCentring(position, untrack(geometry)));
  }

  function ensureVisible(position: number) {
    const g = untrack(geometry);
    const row = firstRowAt(viewport.scrollTop, g);
    const rows = viewport.clientHeight / ROW_HEIGHT;
    if (position < row) scrollTo(scrollTopFor(position, g));
    else if (position + 1 > row + rows) scrollTo(scrollTopFor(position + 1 - rows, g));
  }

  onMount(() => {
    const observer = new ResizeObserver(() => setViewportHeight(viewport.clientHeight));
    observer.observe(viewport);
    setViewportHeight(viewport.clientHeight);
    onCleanup(() => observer.disconnect());
  });

  // The count grew (the DOM height is already updated): follow the newest, or keep the first row in view still.
  createEffect(
    on(total, () => {
      if (stick()) followLatest();
      // Unscaled, rows never move; scaled, the same scrollTop would mean a later row as the count grows.
      else if (contentHeight(untrack(geometry)) >= MAX_SCROLL_PX) scrollTo(scrollTopFor(anchorRow, untrack(geometry)));
    }),
  );

  // A new query starts at the newest events again.
  createEffect(on(() => props.rows.phase(), (phase) => phase === "loading" && setStick(true)));

  // A selected event (a click, a deep link, "Go to"): bring it into view with the rows around it, once per selection.
  let revealed: number | null = null;
  createEffect(() => {
    const seq = props.selectedSeq;
    if (seq === null || seq === revealed || props.rows.phase() !== "ready") return;
    revealed = seq;
    const position = untrack(() => props.rows.positionOf(seq));
    if (position >= 0) {
      const top = untrack(first);
      const rows = untrack(viewportHeight) / ROW_HEIGHT;
      if (position < top || position + 1 > top + rows) centre(position);
      return;
    }
    // eslint-disable-next-line solid/reactivity -- the answer is checked against the selection current when it arrives
    void props.rows.locate({ seq }).then((found) => {
      if (found && found.seq === seq && props.selectedSeq === seq) centre(found.position);
    });
  });

  function onKeyDown(e: KeyboardEvent) {
    const count = total();
    if (count === 0) return;
    // From the selected row, else from the focused one, else from the newest.
    const focused = (e.target as HTMLElement | null)?.closest<HTMLElement>("[data-seq]")?.dataset.seq;
    const from = props.selectedSeq ?? (focused === undefined ? null : Number(focused));
    const current = from === null ? -1 : props.rows.positionOf(from);
    let next: number;
    if (e.key === "ArrowDown" || e.key === "j") next = current < 0 ? count - 1 : Math.min(count - 1, current + 1);
    else if (e.key === "ArrowUp" || e.key === "k") next = current < 0 ? count - 1 : Math.max(0, current - 1);
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = count - 1;
    else return;
    e.preventDefault();
    if (next < count - 1) leave();
    ensureVisible(next);
    const event = props.rows.rowAt(next);
    if (!event) return; // its page is on the way; the next key press selects it
    revealed = event.seq;
    props.select(event.seq);
    requestAnimationFrame(() => viewport.querySelector<HTMLElement>(`[data-seq="${event.seq}"] a`)?.focus());
  }

  /** The agent's name; events of no agent say what they belong to (a task, the control room), never a bare dash. */
  const agentName = (event: TimelineEvent) => {
    if (!event.agentId) return event.type.startsWith("task.") ? "task" : "control room";
    return props.agents.get(event.agentId)?.name ?? shortId(event.agentId);
  };
  const newEvents = () => Math.max(0, total() - totalWhenLeft());
  const status = () => {
    if (props.statusLabel) return props.statusLabel;
    if (props.rows.phase() === "loading") return "loading…";
    if (!props.rows.live()) return "not live";
    return stick() ? "following live" : "live, scrolled up";
  };

  function Row(rowProps: { position: number }) {
    const event = createMemo(() => props.rows.rowAt(rowProps.position));
    return (
      <Show when={event()}>
        {(e) => (
          <li
            class="tl-row"
            data-seq={e().seq}
            data-position={rowProps.position}
            data-kind={kindOf(e())}
            aria-current={props.selectedSeq === e().seq ? "true" : undefined}
            aria-posinset={rowProps.position + 1}
            aria-setsize={total()}
            style={{ ...hueStyle(e().agentId ? props.hueOf(e().agentId!) : null), transform: `translateY(${rowTop(rowProps.position, scrollTop(), geometry())}px)` }}
          >
            <a href={props.hrefFor(e().seq)}>
              <time
                class="tl-time"
                classList={{ "received-later": receivedLater(e()) }}
                datetime={new Date(eventTime(e())).toISOString()}
                title={receivedLater(e()) ? `happened ${formatClock(eventTime(e()))}, received ${formatClock(e().receivedAt)}` : undefined}
              >
                {formatClock(eventTime(e()))}
              </time>
              <span class="tl-agent">
                <span class="agent-dot" classList={{ neutral: !e().agentId }} aria-hidden="true" />
                {agentName(e())}
              </span>
              <span class="tl-type">{e().type}</span>
              <span class="tl-tool">{e().toolName ?? ""}</span>
              <AnsiInline class="tl-summary" text={e().summary ?? e().filePath ?? ""} />
            </a>
          </li>
        )}
      </Show>
    );
  }

  return (
    <section class="timeline" aria-labelledby="timeline-title">
      <div class="timeline-bar">
        <h2 id="timeline-title" class="section-title">
          {props.title ?? "Timeline"}
        </h2>
        <span class="muted small" data-total={total()}>
          {formatCount(total())} events
        </span>
        <span class="live-flag" data-live={props.rows.live() && stick() ? "yes" : "no"}>
          {status()}
        </span>
        <span class="spacer" />
        <Show when={props.jump}>
          <TimelineJump rows={props.rows} select={(seq) => props.select(seq)} />
        </Show>
      </div>
      <Show when={props.rows.error()}>
        {(error) => <ErrorNotice error={error()} retry={() => void props.rows.reload()} title="Timeline" />}
      </Show>
      <div class="tl-head" aria-hidden="true">
        <span>Time</span>
        <span>Agent</span>
        <span>Type</span>
        <span>Tool</span>
        <span>Summary</span>
      </div>
      <div class="tl-viewport" ref={viewport} onScroll={onScroll} onKeyDown={onKeyDown}>
        <Show when={props.rows.phase() !== "loading" || total() > 0} fallback={<p class="muted pad">Loading events…</p>}>
          <Show when={total() > 0} fallback={<p class="muted pad">{props.emptyText ?? `No events${props.rows.phase() === "ready" ? " match yet; new ones appear here as they arrive" : ""}.`}</p>}>
            <ol
              class="tl-list tl-window"
              aria-label={`Events ${range().start + 1} to ${range().end} of ${total()}`}
              style={{ height: `${contentHeight(geometry())}px` }}
            >
              <For each={positions()}>{(position) => <Row position={position} />}</For>
            </ol>
          </Show>
        </Show>
      </div>
      <Show when={!stick() && total() > 0}>
        <button type="button" class="button small jump" data-new={newEvents()} onClick={followLatest}>
          {newEvents() > 0 ? `${formatCount(newEvents())} new event${newEvents() === 1 ? "" : "s"} ↓` : "Jump to latest ↓"}
        </button>
      </Show>
    </section>
  );
}
