import { A, useAction } from "@solidjs/router";
import { For, Show, createEffect, createMemo, createSignal, on, untrack } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";
import type { Plan, PlanDecision, Task } from "../../api/types.ts";
import { errorMessage } from "../../lib/errors.ts";
import { formatCost, formatDateTime } from "../../lib/format.ts";
import { taskHref } from "../../lib/names.ts";
import { useAccess } from "../../providers/access.tsx";
import { useConnection } from "../../providers/connection.tsx";
import { editFromPlan, isDirty, toUpdate, type PlanEdit } from "../../state/plan-edit.ts";
import { planFinished } from "../../state/plans.ts";
import { DependencyGraph } from "./DependencyGraph.tsx";
import { PlanTasksEditor } from "./PlanTasksEditor.tsx";
import { approvePlan, cancelPlan, decidePlan, updatePlan } from "./plans.data.ts";
import { taskEventsHref } from "./task-links.ts";

const DECISIONS: Record<PlanDecision, { label: string; help: string }> = {
  retry: { label: "Retry the task", help: "it runs again; its dependents follow" },
  replan: { label: "Replan", help: "open tasks are cancelled; the planner proposes the rest, knowing what finished and what failed" },
  stop: { label: "Stop the plan", help: "open tasks are cancelled; the plan fails" },
};

/** One node of the plan's graph: a proposed task (by key), and once running the task made from it. */
interface PlanNode {
  id: string;
  dependsOn: string[];
  createdAt: string;
  title: string;
  budgetUsd: number | null;
  taskId: string | undefined;
}

/**
 * One plan: what it is for, its state, the planner's refusals, a pending decision after a failed task, its tasks as
 * a graph and a list (an editor while it is a draft), and Approve / Cancel. Mounted per plan (keyed by the view).
 */
export function PlanDetail(props: { sessionId: string; plan: Plan; tasksById: ReadonlyMap<string, Task> }) {
  const access = useAccess();
  const connection = useConnection();
  const canEdit = () => access.canOperate() && props.plan.status === "draft";
  const busyOff = () => connection.serverDown();

  // The edit and the plan it started from: a change on the server replaces an untouched edit, never one in progress.
  const first = untrack(() => structuredClone(unwrap(props.plan)));
  const [base, setBase] = createSignal<Plan>(first);
  const [edit, setEditStore] = createStore<PlanEdit>(editFromPlan(first));
  const setEdit = (next: PlanEdit) => setEditStore(reconcile(next, { key: "key" }));
  // Reads every field of the edit (through the store), so it follows each keystroke.
  const dirty = createMemo(() => isDirty(edit, base()));
  const [stale, setStale] = createSignal(false);
  createEffect(
    on(
      () => props.plan.updatedAt,
      () => {
        const now = structuredClone(unwrap(props.plan));
        if (!dirty()) {
          setBase(now);
          setEdit(editFromPlan(now));
          setStale(false);
        } else if (JSON.stringify(editFromPlan(now)) !== JSON.stringify(editFromPlan(base()))) setStale(true);
      },
      { defer: true },
    ),
  );
  const discard = () => {
    const now = structuredClone(unwrap(props.plan));
    setBase(now);
    setEdit(editFromPlan(now));
    setStale(false);
    setError(null);
  };

  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal<"save" | "approve" | "cancel" | PlanDecision | null>(null);
  const update = useAction(updatePlan);
  const approve = useAction(approvePlan);
  const cancel = useAction(cancelPlan);
  const decide = useAction(decidePlan);
  const ids = () => ({ sessionId: props.sessionId, id: props.plan.id });

  /** Sends the edit (when there is one); false when it was refused (the reason is shown next to the form). */
  async function save(): Promise<boolean> {
    if (!dirty()) return true;
    const result = toUpdate(unwrap(edit));
    if (!result.ok) {
      setError(result.error);
      return false;
    }
    try {
      const saved = await update({ ...ids(), ...result.fields });
      setBase(structuredClone(saved));
      setEdit(editFromPlan(saved));
      setStale(false);
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    }
  }

  async function run(what: NonNullable<ReturnType<typeof busy>>, work: () => Promise<unknown>) {
    setBusy(what);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  // Click handlers (the rule cannot tell): they read the plan when clicked, as they should.
  // eslint-disable-next-line solid/reactivity
  const decideNow = (option: PlanDecision) => void run(option, () => decide({ ...ids(), decision: option }));
  const saveNow = () => void run("save", save);
  /** Unsaved edits are saved first; a refused edit is not approved. */
  async function saveAndApprove() {
    if (await save()) await approve(ids());
  }
  const approveNow = () => void run("approve", saveAndApprove);
  // eslint-disable-next-line solid/reactivity
  const cancelNow = () => void run("cancel", () => cancel(ids()));

  // The graph follows the edit while it is a draft (unsaved changes show at once), the stored plan after.
  const nodes = createMemo<PlanNode[]>(() => {
    const source = props.plan.status === "draft" ? edit.tasks.map((t) => ({ ...t, budgetUsd: t.budget === t.budgetShown ? t.budgetUsd : Number(t.budget) || undefined, taskId: undefined })) : props.plan.tasks;
    const keys = new Set(source.map((t) => t.key));
    return source.map((t, i) => ({
      id: t.key,
      dependsOn: t.dependsOn.filter((k) => keys.has(k)),
      // The layout orders by this: the plan's own order.
      createdAt: String(i).padStart(4, "0"),
      title: t.title || t.key,
      budgetUsd: t.budgetUsd ?? null,
      taskId: t.taskId,
    }));
  });
  const taskOf = (node: PlanNode) => (node.taskId ? props.tasksById.get(node.taskId) : undefined);
  const statusOf = (node: PlanNode) => taskOf(node)?.status ?? (node.taskId ? "pending" : "proposed");
  const keyTitle = (key: string) => props.plan.tasks.find((t) => t.key === key)?.title ?? key;

  return (
    <article class="plan-detail" aria-labelledby="plan-detail-title" data-plan={props.plan.id}>
      <header class="plan-head">
        <h3 id="plan-detail-title">{props.plan.goal}</h3>
        <span class="pill" data-status={props.plan.status}>
          {props.plan.status}
        </span>
      </header>
      <Show when={props.plan.constraints}>
        <p class="small plan-constraints">Constraints: {props.plan.constraints}</p>
      </Show>
      <dl class="metrics plan-metrics">
        <div>
          <dt>Budget</dt>
          <dd>{props.plan.budgetUsd === null ? "none" : formatCost(props.plan.budgetUsd)}</dd>
        </div>
        <div>
          <dt>Spent</dt>
          <dd data-metric="plan-spent">{formatCost(props.plan.costUsd)}</dd>
        </div>
        <div>
          <dt>Round</dt>
          <dd>{props.plan.round}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(props.plan.createdAt)}</dd>
        </div>
      </dl>

      <Show when={props.plan.status === "planning"}>
        <p class="notice plan-planning" role="status">
          The planner is working on it{props.plan.round > 1 ? ` (round ${props.plan.round})` : ""}…{" "}
          <Show when={props.plan.plannerAgentId}>
            {(agentId) => <A href={`/sessions/${encodeURIComponent(props.sessionId)}?agent=${encodeURIComponent(agentId())}`}>its events</A>}
          </Show>
        </p>
      </Show>
      <Show when={props.plan.error}>
        <p class="notice error plan-error" role="alert">
          {props.plan.error}
        </p>
      </Show>
      <Show when={props.plan.refusals.length > 0}>
        <details class="plan-refusals">
          <summary>
            The planner's proposals refused: {props.plan.refusals.length} of at most {props.plan.maxRefusals}
          </summary>
          <ul>
            <For each={props.plan.refusals}>
              {(refusal) => (
                <li class="small">
                  <span class="muted">
                    round {refusal.round}, {formatDateTime(refusal.at)}:
                  </span>{" "}
                  {refusal.reason}
                </li>
              )}
            </For>
          </ul>
        </details>
      </Show>
      <Show when={props.plan.decision}>
        {(decision) => (
          <section class="plan-decision" aria-labelledby="plan-decision-title">
            <h4 id="plan-decision-title">
              Task failed: “{decision().title}”
            </h4>
            <p class="small error-text">{decision().error}</p>
            <p class="small muted">Its dependents wait. What now?</p>
            <Show when={access.canOperate()} fallback={<p class="small muted">An operator decides: {decision().options.join(", ")}.</p>}>
              <div class="task-actions">
                <For each={decision().options}>
                  {(option) => (
                    <button
                      type="button"
                      class="button small"
                      classList={{ primary: option === "retry", danger: option === "stop" }}
                      title={DECISIONS[option].help}
                      disabled={busy() !== null || busyOff()}
                      onClick={() => decideNow(option)}
                    >
                      {busy() === option ? "…" : DECISIONS[option].label}
                    </button>
                  )}
                </For>
              </div>
            </Show>
          </section>
        )}
      </Show>

      <Show when={nodes().length > 0}>
        <h4 class="plan-section-title">Tasks</h4>
        <DependencyGraph nodes={nodes()} label="Plan dependency graph" done={(key) => statusOf(nodes().find((n) => n.id === key)!) === "completed"} describe={(n) => ({ status: statusOf(n), title: n.title })}>
          {(node) => (
            <>
              <div class="task-node-head">
                <strong class="task-title" title={node.title}>
                  {node.title}
                </strong>
                <span class="pill" data-status={statusOf(node)}>
                  {statusOf(node)}
                </span>
              </div>
              <p class="small muted task-waiting-plain">{node.budgetUsd === null ? "no budget" : `budget ${formatCost(node.budgetUsd)}`}</p>
              <Show when={node.taskId} fallback={<a class="small" href={`#plan-task-${node.id}`}>Details<span class="visually-hidden"> of {node.title}</span></a>}>
                {(taskId) => (
                  <A class="small" href={taskEventsHref(props.sessionId, taskId())}>
                    Events<span class="visually-hidden"> of {node.title}</span>
                  </A>
                )}
              </Show>
            </>
          )}
        </DependencyGraph>
      </Show>

      <Show
        when={canEdit()}
        fallback={
          <ol class="plan-task-list">
            <For each={props.plan.tasks}>
              {(task) => {
                const live = () => (task.taskId ? props.tasksById.get(task.taskId) : undefined);
                return (
                  <li class="plan-task" id={`plan-task-${task.key}`} data-task={task.title}>
                    <div class="task-head">
                      <strong>{task.title}</strong>
                      <span class="pill" data-status={live()?.status ?? (task.taskId ? "pending" : "proposed")}>
                        {live()?.status ?? (task.taskId ? "pending" : "proposed")}
                      </span>
                    </div>
                    <p class="small muted">
                      <code>{task.key}</code> · {task.agentProfile?.driver ?? "claude"}
                      {task.budgetUsd !== undefined ? ` · budget ${formatCost(task.budgetUsd)}` : ""}
                      {live()?.costUsd ? ` · spent ${formatCost(live()!.costUsd)}` : ""}
                      {task.dependsOn.length > 0 ? ` · after ${task.dependsOn.map(keyTitle).join(", ")}` : ""}
                    </p>
                    <p class="small plan-prompt">{task.prompt}</p>
                    <Show when={task.touches.length > 0}>
                      <p class="small muted">Touches: {task.touches.join(", ")}</p>
                    </Show>
                    <Show when={live()?.error}>
                      <p class="small error-text">{live()!.error}</p>
                    </Show>
                    <Show when={task.taskId}>
                      {(taskId) => (
                        <div class="task-actions">
                          <A class="button small" href={taskHref(props.sessionId, taskId())}>
                            Task<span class="visually-hidden"> “{task.title}” on the board</span>
                          </A>
                          <A class="button small" href={taskEventsHref(props.sessionId, taskId())}>
                            Events<span class="visually-hidden"> of {task.title}</span>
                          </A>
                        </div>
                      )}
                    </Show>
                  </li>
                );
              }}
            </For>
          </ol>
        }
      >
        <PlanTasksEditor
          edit={edit}
          setEdit={(next) => {
            setEdit(next);
            setError(null);
          }}
          errorId={error() ? "plan-edit-error" : undefined} />
      </Show>

      <Show when={stale()}>
        <p class="small notice" role="status">
          This draft changed on the server while you were editing.{" "}
          <button type="button" class="button small ghost" onClick={discard}>
            Load it (drop my changes)
          </button>
        </p>
      </Show>
      <Show when={error()}>
        <p id="plan-edit-error" class="field-error plan-edit-error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={access.canOperate() && !planFinished(props.plan.status)}>
        <div class="plan-actions">
          <Show when={canEdit()}>
            <Show when={dirty()}>
              <button type="button" class="button" disabled={busy() !== null || busyOff()} onClick={saveNow}>
                {busy() === "save" ? "Saving…" : "Save changes"}
              </button>
              <button type="button" class="button ghost" disabled={busy() !== null} onClick={discard}>
                Discard changes
              </button>
            </Show>
            <button
              type="button"
              class="button primary"
              disabled={busy() !== null || busyOff()}
              onClick={approveNow}
            >
              {busy() === "approve" ? "Approving…" : dirty() ? "Save and approve" : "Approve"}
            </button>
          </Show>
          <button type="button" class="button danger" disabled={busy() !== null || busyOff()} onClick={cancelNow}>
            {busy() === "cancel" ? "Cancelling…" : "Cancel plan"}
          </button>
        </div>
      </Show>
    </article>
  );
}
