import { createAsync } from "@solidjs/router";
import { Show } from "solid-js";
import { getTask } from "./session.data.ts";

/** Shown while the timeline is filtered to one task's events (`?task=`): which task, and a way back to all events. */
export function TaskFilterChip(props: { sessionId: string; taskId: string; onClear(): void }) {
  // By id, not from the session's task list: a list read before the task existed (a plan's tasks are made on
  // approval) would not know it.
  const task = createAsync(() => (props.taskId ? getTask(props.taskId).catch(() => null) : Promise.resolve(null)));
  const title = () => task()?.title ?? props.taskId.slice(0, 8);
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
