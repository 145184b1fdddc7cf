import { createEffect, createSignal, onCleanup, onMount, type ParentProps } from "solid-js";
import {
  DEFAULT_INSPECTOR_WIDTH,
  INSPECTOR_WIDTH_KEY,
  clampWidth,
  dragWidth,
  inspectorBounds,
  keyboardWidth,
  parseStoredWidth,
  type WidthBounds,
} from "../../state/panel-width.ts";

function storedWidth(): number {
  try {
    return parseStoredWidth(localStorage.getItem(INSPECTOR_WIDTH_KEY)) ?? DEFAULT_INSPECTOR_WIDTH;
  } catch {
    return DEFAULT_INSPECTOR_WIDTH; // storage blocked: the default, every time
  }
}

function rememberWidth(width: number): void {
  try {
    localStorage.setItem(INSPECTOR_WIDTH_KEY, String(width));
  } catch {
    // storage blocked: the width lasts for this page only
  }
}

/**
 * The inspector's container: a side panel beside the timeline whose width the operator sets with the handle on
 * its left edge (drag, or focus it and use the arrow keys); the width is remembered. CSS turns the same panel
 * into an overlay on narrow windows and a bottom sheet on phones (the handle is hidden there). Floating, it covers
 * the rows, so keyboard focus moves into it when it opens; when it closes, focus goes back to the event's row.
 */
export function InspectorDock(props: ParentProps<{ seq: number | null }>) {
  let dock!: HTMLDivElement;
  const initial = inspectorBounds(window.innerWidth);
  const [bounds, setBounds] = createSignal<WidthBounds>(initial);
  const [width, setWidth] = createSignal(clampWidth(storedWidth(), initial));
  const shown = () => clampWidth(width(), bounds());

  /** The event shown last: its row takes the focus back when the inspector closes. */
  let shownSeq: number | null = null;
  createEffect(() => {
    if (props.seq !== null) shownSeq = props.seq;
  });
  onMount(() => {
    if (getComputedStyle(dock).position === "fixed") dock.querySelector<HTMLElement>("#inspector-title")?.focus();
    onCleanup(() => {
      // Only when focus went nowhere (it was in the panel, or on its Close link): never taken from elsewhere.
      const lost = !document.activeElement || document.activeElement === document.body || dock.contains(document.activeElement);
      const seq = shownSeq;
      if (lost && seq !== null) requestAnimationFrame(() => document.querySelector<HTMLElement>(`.tl-row[data-seq="${seq}"] a`)?.focus());
    });
  });

  onMount(() => {
    const onResize = () => setBounds(inspectorBounds(window.innerWidth));
    window.addEventListener("resize", onResize);
    onCleanup(() => window.removeEventListener("resize", onResize));
  });

  const commit = (next: number) => {
    setWidth(next);
    rememberWidth(next);
  };

  function onPointerDown(e: PointerEvent) {
    if (e.button !== 0) return;
    e.preventDefault();
    const handle = e.currentTarget as HTMLElement;
    handle.setPointerCapture(e.pointerId);
    const startX = e.clientX;
    const startWidth = shown();
    const move = (ev: PointerEvent) => setWidth(dragWidth(startWidth, startX, ev.clientX, bounds()));
    const end = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", end);
      handle.removeEventListener("pointercancel", end);
      commit(shown());
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", end);
    handle.addEventListener("pointercancel", end);
  }

  function onKeyDown(e: KeyboardEvent) {
    const next = keyboardWidth(shown(), e.key, e.shiftKey, bounds());
    if (next === null) return;
    e.preventDefault();
    commit(next);
  }

  return (
    <div class="inspector-dock" ref={dock} style={{ "--inspector-w": `${shown()}px` }}>
      <div
        class="dock-handle"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the inspector (← wider, → narrower)"
        aria-valuemin={bounds().min}
        aria-valuemax={bounds().max}
        aria-valuenow={shown()}
        tabindex="0"
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
      />
      {props.children}
    </div>
  );
}
