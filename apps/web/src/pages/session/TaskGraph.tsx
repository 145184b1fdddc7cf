import { A } from "@solidjs/router";
import { Show, createMemo } from "solid-js";
import type { Task } from "../../api/types.ts";
import { waitingOn } from "../../state/task-graph.ts";
import { DependencyGraph } from "./DependencyGraph.tsx";
import { taskEventsHref } from "./task-links.ts";

/**
 * The session's tasks as a dependency graph: columns left to right in the order they can run, an arrow from each
 * dependency to the task waiting for it, and on each waiting task what it still waits on.
 */
export function TaskGraph(props: { sessionId: string; tasks: readonly Task[] }) {
  const byId = createMemo(() => new Map(props.tasks.map((t) => [t.id, t] as const)));
  return (
    <Show when={props.tasks.length > 0} fallback={<p class="muted">No tasks yet.</p>}>
      <DependencyGraph
        nodes={props.tasks}
        label="Task dependency graph"
        done={(id) => byId().get(id)?.status === "completed"}
        describe={(t) => ({ status: t.status, title: t.title })}
      >
        {(t) => {
          const waits = () => waitingOn(t, byId());
          return (
            <>
              <div class="task-node-head">
                <strong class="task-title" title={t.title}>
                  {t.title}
                </strong>
                <span class="pill" data-status={t.status}>
                  {t.status}
                </span>
              </div>
              <Show when={waits().length > 0}>
                <p class="small task-waiting">Waiting on {waits().map((d) => d.title ?? d.id.slice(0, 8)).join(", ")}</p>
              </Show>
              <A class="small" href={taskEventsHref(props.sessionId, t.id)}>
                Events<span class="visually-hidden"> of {t.title}</span>
              </A>
            </>
          );
        }}
      </DependencyGraph>
    </Show>
  );
}
