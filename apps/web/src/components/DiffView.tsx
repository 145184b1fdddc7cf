import { Show, createEffect, createSignal, on, onCleanup, onMount } from "solid-js";
import type { DiffFormat } from "../lib/diff-render.ts";
import { formatBytes } from "../lib/format.ts";
import { isNarrow } from "../lib/media.ts";
import { themeChoice } from "../lib/theme.ts";

/** Diffs larger than this are collapsed until asked for (rendering them can take seconds). */
export const LARGE_DIFF_CHARS = 150_000;
export const LARGE_DIFF_LINES = 3_000;
const FORMAT_KEY = "rozet.diffFormat";

function savedFormat(): DiffFormat {
  try {
    const saved = localStorage.getItem(FORMAT_KEY);
    if (saved === "side-by-side" || saved === "line-by-line") return saved;
  } catch {
    // ignore
  }
  return "side-by-side";
}

const [chosenFormat, setFormatSignal] = createSignal<DiffFormat>(typeof window === "undefined" ? "side-by-side" : savedFormat());
/** Side by side does not fit a phone: narrow screens always get the unified layout. */
const globalFormat = (): DiffFormat => (isNarrow() ? "line-by-line" : chosenFormat());
function setFormat(next: DiffFormat) {
  setFormatSignal(next);
  try {
    localStorage.setItem(FORMAT_KEY, next);
  } catch {
    // ignore
  }
}

function isDark(): boolean {
  const choice = themeChoice();
  if (choice !== "system") return choice === "dark";
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Narrower than this, side by side is unreadable: the diff is unified whatever the preference. */
const SIDE_BY_SIDE_MIN_PX = 640;

/**
 * diff2html's panes scroll sideways: each becomes a named, focusable region so a keyboard can scroll it too
 * (axe: scrollable-region-focusable).
 */
function focusableScrollers(root: HTMLElement, label: string): void {
  const panes = root.querySelectorAll<HTMLElement>(".d2h-file-side-diff, .d2h-file-diff");
  panes.forEach((pane, i) => {
    const side = pane.classList.contains("d2h-file-side-diff") ? (i % 2 === 0 ? " (before)" : " (after)") : "";
    pane.tabIndex = 0;
    pane.setAttribute("role", "region");
    pane.setAttribute("aria-label", `${label}${side}`);
  });
}

/** A unified diff rendered by diff2html, side by side or unified, highlighted; huge ones behind a button. */
export function DiffView(props: { patch: string; label: string }) {
  let target!: HTMLDivElement;
  let section!: HTMLElement;
  const [roomy, setRoomy] = createSignal(true);
  onMount(() => {
    const observer = new ResizeObserver(() => setRoomy(section.clientWidth >= SIDE_BY_SIDE_MIN_PX));
    observer.observe(section);
    setRoomy(section.clientWidth >= SIDE_BY_SIDE_MIN_PX);
    onCleanup(() => observer.disconnect());
  });
  const format = (): DiffFormat => (roomy() ? globalFormat() : "line-by-line");
  const [expanded, setExpanded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const large = () => props.patch.length > LARGE_DIFF_CHARS || lineCount(props.patch) > LARGE_DIFF_LINES;
  const show = () => expanded() || !large();

  let generation = 0;
  createEffect(
    on([() => props.patch, format, themeChoice, show], ([patch, fmt, , visible]) => {
      const gen = ++generation;
      if (!visible) return;
      const label = props.label;
      import("../lib/diff-render.ts")
        .then(({ renderDiff }) => {
          if (gen !== generation) return;
          target.replaceChildren();
          renderDiff(target, patch, { format: fmt, dark: isDark() });
          focusableScrollers(target, label);
          target.dataset.rendered = "true";
        })
        .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
    }),
  );
  onCleanup(() => generation++);

  return (
    <section class="diff-view" aria-label={props.label} ref={section}>
      <div class="diff-toolbar" role="group" aria-label="Diff layout">
        <Show when={roomy() && !isNarrow()}>
          <button type="button" class="button small" aria-pressed={format() === "side-by-side"} onClick={() => setFormat("side-by-side")}>
            Side by side
          </button>
          <button type="button" class="button small" aria-pressed={format() === "line-by-line"} onClick={() => setFormat("line-by-line")}>
            Unified
          </button>
        </Show>
        <button type="button" class="button small ghost" onClick={() => void navigator.clipboard?.writeText(props.patch)}>
          Copy patch
        </button>
      </div>
      <Show when={error()}>
        <p class="notice error">Could not render the diff: {error()}</p>
      </Show>
      <Show when={show()} fallback={
        <div class="notice">
          <p>
            Large diff: {formatBytes(props.patch.length)}, {lineCount(props.patch).toLocaleString()} lines. Rendering it may take a while.
          </p>
          <button type="button" class="button small" onClick={() => setExpanded(true)}>
            Show the diff
          </button>
        </div>
      }>
        {null}
      </Show>
      <div class="diff-target" ref={target} hidden={!show()} />
    </section>
  );
}
