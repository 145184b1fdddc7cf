import { A, createAsync, revalidate, useNavigate, useSearchParams } from "@solidjs/router";
import { For, Show, createEffect, createMemo, createSignal, on, onMount } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";
import type { Plan } from "../../api/types.ts";
import { formatCost, formatDateTime } from "../../lib/format.ts";
import { planHref } from "../../lib/names.ts";
import { useAccess } from "../../providers/access.tsx";
import { useConnection, useControlUpdates } from "../../providers/connection.tsx";
import { applyPlanUpdate, mergeFetchedPlans } from "../../state/plans.ts";
import { AutoApproveSwitch } from "./AutoApproveSwitch.tsx";
import { CreatePlanDialog } from "./CreatePlanDialog.tsx";
import { PlanDetail } from "./PlanDetail.tsx";
import { createLiveTasks } from "./live-tasks.ts";
import { getPlans } from "./plans.data.ts";
import "./plans.css";

/**
 * The session's plans (docs/planning.md), live from control updates (entity "plan", on the page's one control
 * subscription): the list, "New plan", and the open plan (`?plan=`) with its graph, its editor while a draft, and
 * the approve / cancel / decide buttons.
 */
export function PlansView(props: { sessionId: string }) {
  const access = useAccess();
  const navigate = useNavigate();
  const [search] = useSearchParams<{ plan?: string }>();
  const fetched = createAsync(() => getPlans(props.sessionId));
  const [plans, setPlans] = createStore<Plan[]>([]);
  createEffect(() => {
    const list = fetched();
    if (list) setPlans(reconcile(mergeFetchedPlans(unwrap(plans), list), { key: "id" }));
  });
  useControlUpdates((update) => {
    if (update.entity !== "plan") return;
    const result = applyPlanUpdate(unwrap(plans), update, props.sessionId);
    if (result.plans !== unwrap(plans)) setPlans(reconcile(result.plans, { key: "id" }));
    if (result.refetch) void revalidate(getPlans.keyFor(props.sessionId));
  });
  // The updates that went by while the view was not shown (or the connection was lost) are missed: a list cached
  // from before (a plan that was running, now done) is read again when the view opens and after a reconnect (the
  // tasks list does the same for itself, createLiveTasks).
  const connection = useConnection();
  const reread = () => void revalidate(getPlans.keyFor(props.sessionId));
  onMount(reread);
  createEffect(on(connection.reconnects, reread, { defer: true }));
  // The tasks a running plan made: their status and cost on its graph and list.
  const live = createLiveTasks(() => props.sessionId);
  const tasksById = createMemo(() => new Map(live.tasks.map((t) => [t.id, t] as const)));
  const selected = createMemo(() => plans.find((p) => p.id === search.plan) ?? null);
  const [creating, setCreating] = createSignal(false);

  return (
    <section class="plans-view" aria-labelledby="plans-title">
      <div class="tasks-toolbar">
        <h2 id="plans-title" class="plans-title">
          Plans
        </h2>
        <Show when={access.canOperate()}>
          <button type="button" class="button primary small" aria-haspopup="dialog" onClick={() => setCreating(true)}>
            New plan
          </button>
        </Show>
      </div>
      <Show when={access.canOperate()}>
        <AutoApproveSwitch sessionId={props.sessionId} />
      </Show>
      <Show when={access.observeOnly()}>
        <p class="small muted" role="note">
          Observe-only room: plans can be read here; creating, editing, approving and cancelling them is off (they start agents).
        </p>
      </Show>
      <CreatePlanDialog sessionId={props.sessionId} open={creating()} onClose={() => setCreating(false)} onCreated={(plan) => navigate(planHref(props.sessionId, plan.id))} />
      <Show when={fetched()} fallback={<p class="muted">Loading plans…</p>}>
        <Show
          when={plans.length > 0}
          fallback={
            <p class="muted">
              No plans yet.{access.canOperate() ? " “New plan” turns a goal into tasks: a read-only planner agent proposes them, you review and approve." : ""}
            </p>
          }
        >
          <ul class="plan-list" aria-label="Plans of this session">
            <For each={plans}>
              {(plan) => (
                <li class="plan-card" data-status={plan.status} aria-current={plan.id === search.plan ? "true" : undefined}>
                  <A class="plan-goal" href={planHref(props.sessionId, plan.id)}>
                    {plan.goal}
                  </A>
                  <span class="pill" data-status={plan.status}>
                    {plan.status}
                  </span>
                  <p class="small muted plan-meta">
                    {plan.tasks.length} {plan.tasks.length === 1 ? "task" : "tasks"} · budget {plan.budgetUsd === null ? "none" : formatCost(plan.budgetUsd)} · spent {formatCost(plan.costUsd)} · created{" "}
                    {formatDateTime(plan.createdAt)}
                  </p>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={search.plan && !selected()}>
          <p class="muted" role="status">
            No plan <code>{search.plan}</code> in this session.
          </p>
        </Show>
        <Show when={selected()} keyed>
          {(plan) => <PlanDetail sessionId={props.sessionId} plan={plan} tasksById={tasksById()} />}
        </Show>
      </Show>
    </section>
  );
}
