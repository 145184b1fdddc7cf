import { For, Show, createMemo, createSignal } from "solid-js";
import { ansiSegments, type AnsiSegment } from "../lib/ansi.ts";
import { formatBytes } from "../lib/format.ts";

const PREVIEW_CHARS = 200_000;

/** Styled terminal segments as text nodes (never HTML): a span only where a segment has a style. */
export function AnsiSegments(props: { segments: readonly AnsiSegment[] }) {
  return (
    <For each={props.segments}>
      {(s) =>
        s.fg || s.bg || s.bold || s.dim || s.italic || s.underline ? (
          <span
            style={{ color: s.fg ?? undefined, "background-color": s.bg ?? undefined, "font-weight": s.bold ? "700" : undefined, opacity: s.dim ? "0.75" : undefined, "font-style": s.italic ? "italic" : undefined, "text-decoration": s.underline ? "underline" : undefined }}
          >
            {s.text}
          </span>
        ) : (
          s.text
        )
      }
    </For>
  );
}

/**
 * One line of text that may carry escape codes (a command's reason, a summary, a field): shown with its colours
 * instead of raw `[32m` codes. Plain text costs nothing extra.
 */
export function AnsiInline(props: { text: string; class?: string; title?: string }) {
  const plain = () => !props.text.includes("\u001b");
  return (
    <span class={props.class} title={props.title}>
      <Show when={!plain()} fallback={props.text}>
        <AnsiSegments segments={ansiSegments(props.text)} />
      </Show>
    </span>
  );
}

/** Terminal output with its colours, as text nodes (never HTML). Very long output shows its end first. */
export function AnsiText(props: { text: string; label: string }) {
  const [all, setAll] = createSignal(false);
  const clipped = () => !all() && props.text.length > PREVIEW_CHARS;
  const segments = createMemo(() => ansiSegments(clipped() ? props.text.slice(-PREVIEW_CHARS) : props.text));
  return (
    <div class="ansi-wrap">
      <Show when={clipped()}>
        <p class="muted small">
          Showing the last {formatBytes(PREVIEW_CHARS)} of {formatBytes(props.text.length)}.{" "}
          <button type="button" class="link-button" onClick={() => setAll(true)}>
            Show all
          </button>
        </p>
      </Show>
      <pre class="ansi" tabindex="0" aria-label={props.label}>
        <AnsiSegments segments={segments()} />
      </pre>
    </div>
  );
}
