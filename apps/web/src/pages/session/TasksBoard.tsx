import { A, useAction, useSearchParams, useSubmission } from "@solidjs/router";
import { For, Show, createMemo, createSignal } from "solid-js";
import type { Agent, Task } from "../../api/types.ts";
import { errorMessage } from "../../lib/errors.ts";
import { formatCost, formatCount } from "../../lib/format.ts";
import { useToasts } from "../../providers/toasts.tsx";
import { FINISHED_TASK_STATUSES, TASK_COLUMNS, groupTasks } from "../../state/tasks.ts";
import { waitingOn } from "../../state/task-graph.ts";
import { useAccess } from "../../providers/access.tsx";
import { CreateTaskDialog } from "./CreateTaskDialog.tsx";
import { MergeConflictPanel } from "./MergeConflictPanel.tsx";
import { TaskGraph } from "./TaskGraph.tsx";
import { createLiveTasks } from "./live-tasks.ts";
import { cancelTask } from "./session.data.ts";
import { taskEventsHref } from "./task-links.ts";
import "./tasks.css";

/**
 * The session's tasks, live: as a board by status or as their dependency graph (`?tasks=graph`), each linking to
 * its events; "New task" opens a dialog (assign, dependencies, budget); cancel.
 */
export function TasksBoard(props: { sessionId: string; agents: readonly Agent[] }) {
  const access = useAccess();
  const { tasks, loaded: fetched } = createLiveTasks(() => props.sessionId);
  const [search, setSearch] = useSearchParams<{ tasks?: string }>();
  const graph = () => search.tasks === "graph";
  const [creating, setCreating] = createSignal(false);
  const groups = createMemo(() => groupTasks(tasks));
  const byId = createMemo(() => new Map(tasks.map((t) => [t.id, t] as const)));
  const agentName = (id: string | null) => (id ? (props.agents.find((a) => a.id === id)?.name ?? id.slice(0, 8)) : null);

  return (
    <section class="tasks-view" aria-labelledby="tasks-title">
      <h2 id="tasks-title" class="visually-hidden">
        Tasks
      </h2>
      <div class="tasks-toolbar">
        <div class="segmented" role="group" aria-label="Show tasks as">
          <button type="button" class="button small" aria-pressed={!graph()} onClick={() => setSearch({ tasks: undefined })}>
            Board
          </button>
          <button type="button" class="button small" aria-pressed={graph()} onClick={() => setSearch({ tasks: "graph" })}>
            Graph
          </button>
        </div>
        <Show when={access.canOperate()}>
          <button type="button" class="button primary small" aria-haspopup="dialog" onClick={() => setCreating(true)}>
            New task
          </button>
        </Show>
      </div>
      <CreateTaskDialog sessionId={props.sessionId} agents={props.agents} tasks={tasks} open={creating()} onClose={() => setCreating(false)} />
      <Show when={fetched()} fallback={<p class="muted">Loading tasks…</p>}>
        <Show when={!graph()} fallback={<TaskGraph sessionId={props.sessionId} tasks={tasks} />}>
        <div class="board">
          <For each={TASK_COLUMNS}>
            {(column) => (
              <section class="board-column" aria-labelledby={`column-${column.id}`} data-column={column.id}>
                <h3 id={`column-${column.id}`} class="board-column-title">
                  {column.title} <span class="muted">({groups()[column.id]?.length ?? 0})</span>
                </h3>
                <ul class="board-cards">
                  <For each={groups()[column.id]} fallback={<li class="muted small board-empty">None</li>}>
                    {(task) => <TaskCard task={task} sessionId={props.sessionId} agentName={agentName(task.agentId)} byId={byId()} />}
                  </For>
                </ul>
              </section>
            )}
          </For>
        </div>
        </Show>
      </Show>
    </section>
  );
}

function TaskCard(props: { task: Task; sessionId: string; agentName: string | null; byId: ReadonlyMap<string, Task> }) {
  const access = useAccess();
  const cancel = useAction(cancelTask);
  const submission = useSubmission(cancelTask, ([input]) => input.taskId === props.task.id);
  const toasts = useToasts();
  const finished = () => FINISHED_TASK_STATUSES.has(props.task.status);
  const waits = () => waitingOn(props.task, props.byId);
  return (
    <li class="task-card" id={`task-${props.task.id}`} data-status={props.task.status} data-task={props.task.title}>
      <div class="task-head">
        <strong class="task-title">{props.task.title}</strong>
        <span class="pill" data-status={props.task.status}>
          {props.task.status}
        </span>
      </div>
      <p class="small muted task-meta">
        {props.agentName ? `→ ${props.agentName}` : "any idle agent"}
        {props.task.attempts > 1 ? ` · attempt ${props.task.attempts}` : ""}
        {props.task.costUsd ? ` · ${formatCost(props.task.costUsd)}` : ""}
        {props.task.tokens ? ` · ${formatCount(props.task.tokens)} tokens` : ""}
        {props.task.budgetUsd ? ` · budget ${formatCost(props.task.budgetUsd)}` : ""}
      </p>
      <Show when={props.task.dependsOn.length > 0}>
        <p class="small task-deps">
          After: {props.task.dependsOn.map((id) => props.byId.get(id)?.title ?? id.slice(0, 8)).join(", ")}
        </p>
      </Show>
      <Show when={waits().length > 0}>
        <p class="small task-waiting">
          Waiting on: {waits().map((d) => (d.status ? `${d.title} (${d.status})` : d.id.slice(0, 8))).join(", ")}
        </p>
      </Show>
      <Show when={props.task.error}>
        <p class="small error-text">{props.task.error}</p>
      </Show>
      <Show when={props.task.status === "completed" && props.task.result}>
        <p class="small task-result">{props.task.result}</p>
      </Show>
      <Show when={props.task.mergeConflict}>{(conflict) => <MergeConflictPanel task={props.task} sessionId={props.sessionId} conflict={conflict()} />}</Show>
      <Show when={props.task.headCommit && props.task.branch}>
        <p class="small muted task-commit">
          Work in <code>{props.task.branch}</code> at <code>{props.task.headCommit!.slice(0, 12)}</code>
        </p>
      </Show>
      <div class="task-actions">
      <A class="button small" href={taskEventsHref(props.sessionId, props.task.id)}>
        Events<span class="visually-hidden"> of {props.task.title}</span>
      </A>
      {/* A task stopped on a merge conflict is cancelled through the conflict's own answer (it aborts the merge). */}
      <Show when={!finished() && access.canOperate() && !props.task.mergeConflict}>
        <button
          type="button"
          class="button small danger"
          disabled={submission.pending}
          onClick={() => {
            const title = `Could not cancel “${props.task.title}”`;
            cancel({ sessionId: props.sessionId, taskId: props.task.id }).catch((err: unknown) => toasts.push({ tone: "error", title, body: errorMessage(err) }));
          }}
        >
          {submission.pending ? "Cancelling…" : "Cancel"}
        </button>
      </Show>
      </div>
    </li>
  );
}
