import { createAsync } from "@solidjs/router";
import { Show } from "solid-js";
import { getTasks } from "./session.data.ts";

/** Shown while the timeline is filtered to one task's events (`?task=`): which task, and a way back to all events. */
export function TaskFilterChip(props: { sessionId: string; taskId: string; onClear(): void }) {
  const tasks = createAsync(() => getTasks(props.sessionId).catch(() => []));
  const title = () => tasks()?.find((t) => t.id === props.taskId)?.title ?? props.taskId.slice(0, 8);
  return (
    <Show when={props.taskId}>
      <p class="task-filter-chip small" role="status">
        Events of task <strong>{title()}</strong>{" "}
        <button type="button" class="button ghost small" onClick={() => props.onClear()}>
          Show all events
        </button>
      </p>
    </Show>
  );
}
