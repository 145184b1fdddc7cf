import { createSignal, onCleanup, onMount, type ParentProps } from "solid-js";
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
 * into an overlay on narrow windows and a bottom sheet on phones (the handle is hidden there).
 */
export function InspectorDock(props: ParentProps) {
  const initial = inspectorBounds(window.innerWidth);
  const [bounds, setBounds] = createSignal<WidthBounds>(initial);
  const [width, setWidth] = createSignal(clampWidth(storedWidth(), initial));
  const shown = () => clampWidth(width(), bounds());

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
    <div class="inspector-dock" style={{ "--inspector-w": `${shown()}px` }}>
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
