import { createAsync, revalidate, useAction, useSubmission } from "@solidjs/router";
import { For, Show, createEffect, createMemo, createSignal } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";
import type { Agent, Task } from "../../api/types.ts";
import { errorMessage } from "../../lib/errors.ts";
import { formatCost, formatCount } from "../../lib/format.ts";
import { useControlUpdates } from "../../providers/connection.tsx";
import { useToasts } from "../../providers/toasts.tsx";
import { FINISHED_TASK_STATUSES, TASK_COLUMNS, applyTaskUpdate, groupTasks } from "../../state/tasks.ts";
import { cancelTask, createTask, getTasks } from "./session.data.ts";
import { formText } from "../../lib/form-text.ts";

/** The session's tasks by status, live, with a form to add one (assign, dependencies, budget) and cancel. */
export function TasksBoard(props: { sessionId: string; agents: readonly Agent[] }) {
  const fetched = createAsync(() => getTasks(props.sessionId));
  const [tasks, setTasks] = createStore<Task[]>([]);
  createEffect(() => {
    const list = fetched();
    if (list) setTasks(reconcile(list, { key: "id" }));
  });
  useControlUpdates((update) => {
    if (update.entity !== "task") return;
    const result = applyTaskUpdate(unwrap(tasks), update, props.sessionId);
    if (result.tasks !== unwrap(tasks)) setTasks(reconcile(result.tasks, { key: "id" }));
    if (result.refetch) void revalidate(getTasks.keyFor(props.sessionId));
  });
  const groups = createMemo(() => groupTasks(tasks));
  const titles = createMemo(() => new Map(tasks.map((t) => [t.id, t.title] as const)));
  const agentName = (id: string | null) => (id ? (props.agents.find((a) => a.id === id)?.name ?? id.slice(0, 8)) : null);

  return (
    <section class="tasks-view" aria-labelledby="tasks-title">
      <h2 id="tasks-title" class="visually-hidden">
        Tasks
      </h2>
      <CreateTaskForm sessionId={props.sessionId} agents={props.agents} tasks={tasks} />
      <Show when={fetched()} fallback={<p class="muted">Loading tasks…</p>}>
        <div class="board">
          <For each={TASK_COLUMNS}>
            {(column) => (
              <section class="board-column" aria-labelledby={`column-${column.id}`} data-column={column.id}>
                <h3 id={`column-${column.id}`} class="board-column-title">
                  {column.title} <span class="muted">({groups()[column.id]?.length ?? 0})</span>
                </h3>
                <ul class="board-cards">
                  <For each={groups()[column.id]} fallback={<li class="muted small board-empty">None</li>}>
                    {(task) => <TaskCard task={task} sessionId={props.sessionId} agentName={agentName(task.agentId)} titles={titles()} />}
                  </For>
                </ul>
              </section>
            )}
          </For>
        </div>
      </Show>
    </section>
  );
}

function TaskCard(props: { task: Task; sessionId: string; agentName: string | null; titles: ReadonlyMap<string, string> }) {
  const cancel = useAction(cancelTask);
  const submission = useSubmission(cancelTask, ([input]) => input.taskId === props.task.id);
  const toasts = useToasts();
  const finished = () => FINISHED_TASK_STATUSES.has(props.task.status);
  return (
    <li class="task-card" data-status={props.task.status} data-task={props.task.title}>
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
          After: {props.task.dependsOn.map((id) => props.titles.get(id) ?? id.slice(0, 8)).join(", ")}
        </p>
      </Show>
      <Show when={props.task.error}>
        <p class="small error-text">{props.task.error}</p>
      </Show>
      <Show when={props.task.status === "completed" && props.task.result}>
        <p class="small task-result">{props.task.result}</p>
      </Show>
      <Show when={!finished()}>
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
    </li>
  );
}

function CreateTaskForm(props: { sessionId: string; agents: readonly Agent[]; tasks: readonly Task[] }) {
  const submit = useAction(createTask);
  const submission = useSubmission(createTask);
  const [open, setOpen] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const candidates = () => props.tasks.filter((t) => t.status !== "cancelled" && t.status !== "failed");

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const title = formText(data, "title").trim();
    const prompt = formText(data, "prompt").trim();
    if (!title || !prompt) return setError("A task needs a title and a prompt.");
    const budget = formText(data, "budgetUsd").trim();
    const agentId = formText(data, "agentId");
    setError(null);
    try {
      await submit({
        sessionId: props.sessionId,
        title,
        prompt,
        agentId: agentId || undefined,
        dependsOn: data.getAll("dependsOn").map(String),
        budgetUsd: budget ? Number(budget) : undefined,
      });
      form.reset();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <section class="card" aria-labelledby="new-task-title">
      <div class="card-head">
        <h3 id="new-task-title" class="card-title">
          New task
        </h3>
        <button type="button" class="button small" aria-expanded={open()} aria-controls="new-task-form" onClick={() => setOpen(!open())}>
          {open() ? "Hide" : "Add a task"}
        </button>
      </div>
      <Show when={open()}>
        <form id="new-task-form" class="task-form" onSubmit={(e) => void onSubmit(e)}>
          <div class="field">
            <label for="task-title">Title</label>
            <input id="task-title" name="title" required maxlength="200" autocomplete="off" />
          </div>
          <div class="field">
            <label for="task-agent">Assign to</label>
            <select id="task-agent" name="agentId">
              <option value="">Any idle agent</option>
              <For each={props.agents.filter((a) => a.driver !== "external")}>{(a) => <option value={a.id}>{a.name}</option>}</For>
            </select>
          </div>
          <div class="field wide">
            <label for="task-prompt">Prompt</label>
            <textarea id="task-prompt" name="prompt" required rows="3" maxlength="100000" />
          </div>
          <Show when={candidates().length > 0}>
            <fieldset class="deps wide">
              <legend>Starts after (dependencies)</legend>
              <For each={candidates()}>
                {(t) => (
                  <label class="check">
                    <input type="checkbox" name="dependsOn" value={t.id} /> {t.title} <span class="muted">({t.status})</span>
                  </label>
                )}
              </For>
            </fieldset>
          </Show>
          <div class="field">
            <label for="task-budget">Budget USD (optional)</label>
            <input id="task-budget" name="budgetUsd" type="number" min="0" step="0.01" inputmode="decimal" />
          </div>
          <div class="form-end">
            <button type="submit" class="button primary" disabled={submission.pending}>
              {submission.pending ? "Creating…" : "Create task"}
            </button>
          </div>
          <Show when={error()}>
            <p class="field-error wide" role="alert">
              {error()}
            </p>
          </Show>
        </form>
      </Show>
    </section>
  );
}
