import { A } from "@solidjs/router";
import { For, Show, createMemo } from "solid-js";
import type { Task } from "../../api/types.ts";
import { layoutTaskGraph, waitingOn } from "../../state/task-graph.ts";
import { taskEventsHref } from "./task-links.ts";

const NODE_W = 210;
const NODE_H = 78;
const GAP_X = 56;
const GAP_Y = 14;

/**
 * The session's tasks as a dependency graph: columns left to right in the order they can run, an arrow from each
 * dependency to the task waiting for it, and on each waiting task what it still waits on.
 */
export function TaskGraph(props: { sessionId: string; tasks: readonly Task[] }) {
  const layout = createMemo(() => layoutTaskGraph(props.tasks));
  const byId = createMemo(() => new Map(props.tasks.map((t) => [t.id, t] as const)));
  const position = createMemo(() => new Map(layout().nodes.map((n) => [n.id, { x: n.layer * (NODE_W + GAP_X), y: n.row * (NODE_H + GAP_Y) }] as const)));
  const width = () => Math.max(1, layout().layers * (NODE_W + GAP_X) - GAP_X);
  const height = () => Math.max(1, layout().rows * (NODE_H + GAP_Y) - GAP_Y);
  const edgePath = (from: string, to: string) => {
    const a = position().get(from);
    const b = position().get(to);
    if (!a || !b) return "";
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x - 6;
    const y2 = b.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
  };

  return (
    <Show when={props.tasks.length > 0} fallback={<p class="muted">No tasks yet.</p>}>
      {/* Scrollable when wide: focusable so a keyboard can scroll it too. */}
      <div class="task-graph" role="region" aria-label="Task dependency graph" tabindex="0">
        <div class="task-graph-canvas" style={{ width: `${width()}px`, height: `${height()}px` }}>
          <svg class="task-graph-edges" width={width()} height={height()} aria-hidden="true">
            <defs>
              <marker id="task-graph-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="8" markerHeight="8" orient="auto">
                <path d="M0,0 L8,4 L0,8 z" />
              </marker>
            </defs>
            <For each={layout().edges}>
              {(edge) => (
                <path
                  d={edgePath(edge.from, edge.to)}
                  data-done={byId().get(edge.from)?.status === "completed" ? "true" : "false"}
                  marker-end="url(#task-graph-arrow)"
                />
              )}
            </For>
          </svg>
          <ul class="task-graph-nodes">
            <For each={layout().nodes}>
              {(node) => {
                const task = () => byId().get(node.id);
                const waits = () => {
                  const t = task();
                  return t ? waitingOn(t, byId()) : [];
                };
                return (
                  <Show when={task()}>
                    {(t) => (
                      <li
                        class="task-node"
                        data-status={t().status}
                        data-task={t().title}
                        style={{ left: `${position().get(node.id)?.x ?? 0}px`, top: `${position().get(node.id)?.y ?? 0}px`, width: `${NODE_W}px`, height: `${NODE_H}px` }}
                      >
                        <div class="task-node-head">
                          <strong class="task-title" title={t().title}>
                            {t().title}
                          </strong>
                          <span class="pill" data-status={t().status}>
                            {t().status}
                          </span>
                        </div>
                        <Show when={waits().length > 0}>
                          <p class="small task-waiting">Waiting on {waits().map((d) => d.title ?? d.id.slice(0, 8)).join(", ")}</p>
                        </Show>
                        <A class="small" href={taskEventsHref(props.sessionId, t().id)}>
                          Events<span class="visually-hidden"> of {t().title}</span>
                        </A>
                      </li>
                    )}
                  </Show>
                );
              }}
            </For>
          </ul>
        </div>
      </div>
    </Show>
  );
}
