import { For, Show, createMemo, createSignal } from "solid-js";
import { ansiSegments } from "../lib/ansi.ts";
import { formatBytes } from "../lib/format.ts";

const PREVIEW_CHARS = 200_000;

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
        <For each={segments()}>
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
      </pre>
    </div>
  );
}
