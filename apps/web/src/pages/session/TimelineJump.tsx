import { Show, createSignal } from "solid-js";
import { formText } from "../../lib/form-text.ts";
import { parseJumpTarget } from "../../lib/jump-target.ts";
import type { TimelineRows } from "../../state/timeline-window-store.ts";

/** "Go to" an event number (#N) or a time anywhere in the session: the event (or the next one) is selected and centred. */
export function TimelineJump(props: { rows: TimelineRows; select(seq: number): void }) {
  const [message, setMessage] = createSignal("");
  const [busy, setBusy] = createSignal(false);

  async function go(text: string) {
    const target = parseJumpTarget(text);
    if (!target) {
      setMessage("Type #N (an event number), a time like 14:05:30, or 2026-12-05 14:05");
      return;
    }
    setBusy(true);
    setMessage("");
    try {
      const found = await props.rows.locate(target);
      if (found?.seq == null) setMessage("No event at or after that here");
      else props.select(found.seq);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="tl-jump"
      role="search"
      aria-label="Go to an event or a time"
      onSubmit={(e) => {
        e.preventDefault();
        void go(formText(new FormData(e.currentTarget), "target"));
      }}
    >
      <label for="timeline-jump" class="visually-hidden">
        Go to event number or time
      </label>
      <input id="timeline-jump" name="target" placeholder="#N or 14:05" autocomplete="off" aria-describedby="timeline-jump-message" />
      <button type="submit" class="button small" disabled={busy()}>
        Go
      </button>
      <Show when={message()}>
        <span id="timeline-jump-message" class="field-error small" role="status">
          {message()}
        </span>
      </Show>
    </form>
  );
}
