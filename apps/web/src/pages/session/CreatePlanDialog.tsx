import { useAction, useSubmission } from "@solidjs/router";
import { For, Show, createSignal } from "solid-js";
import type { Plan, PlanCreateInput } from "../../api/types.ts";
import { Dialog } from "../../components/Dialog.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { formText } from "../../lib/form-text.ts";
import { createPlan } from "./plans.data.ts";

/**
 * Planners run read-only: Claude Code, or an ACP agent of a profile that asks before it writes (a `custom` ACP
 * command could write without asking, so it is not offered here; shell planners are refused by the server).
 */
const PLANNER_PROFILES = ["claude", "codex", "gemini", "opencode"] as const;

/** The planner part of `plan.create`'s input from the form: nothing for the default (Claude, its default model). */
function plannerProfile(driver: string, acpProfile: string, model: string): PlanCreateInput["profile"] {
  if (driver !== "acp" && !model) return undefined;
  return {
    driver: driver === "acp" ? "acp" : "claude",
    ...(model ? { model } : {}),
    ...(driver === "acp" ? { config: { profile: acpProfile as (typeof PLANNER_PROFILES)[number] } } : {}),
  };
}

/** "New plan": a goal, constraints, a budget and the planner; a read-only planner agent then proposes the tasks. */
export function CreatePlanDialog(props: { sessionId: string; open: boolean; onClose(): void; onCreated(plan: Plan): void }) {
  const submit = useAction(createPlan);
  const submission = useSubmission(createPlan);
  const [error, setError] = createSignal<string | null>(null);
  const [driver, setDriver] = createSignal("claude");

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const goal = formText(data, "goal").trim();
    const constraints = formText(data, "constraints").trim();
    const budget = formText(data, "budgetUsd").trim();
    if (!goal) return setError("A plan needs a goal.");
    if (budget && !(Number(budget) > 0)) return setError("The budget must be a positive number of USD (or empty for none).");
    setError(null);
    let plan: Plan;
    try {
      const profile = plannerProfile(formText(data, "plannerDriver", "claude"), formText(data, "plannerProfile", "claude"), formText(data, "plannerModel").trim());
      plan = await submit({ sessionId: props.sessionId, goal, constraints: constraints || undefined, budgetUsd: budget ? Number(budget) : undefined, profile });
    } catch (err) {
      return setError(errorMessage(err));
    }
    props.onCreated(plan);
    props.onClose();
  }

  const close = () => {
    setError(null);
    props.onClose();
  };

  return (
    <Dialog open={props.open} onClose={close} title="New plan" class="task-dialog">
      <form class="task-form" onSubmit={(e) => void onSubmit(e)} aria-describedby={error() ? "plan-create-error" : undefined}>
        <div class="field wide">
          <label for="plan-goal">Goal</label>
          <textarea id="plan-goal" name="goal" required rows="3" maxlength="20000" autofocus />
        </div>
        <div class="field wide">
          <label for="plan-constraints">Constraints (optional)</label>
          <textarea id="plan-constraints" name="constraints" rows="2" maxlength="20000" />
        </div>
        <div class="field">
          <label for="plan-budget">Budget USD (optional)</label>
          <input id="plan-budget" name="budgetUsd" type="number" min="0" step="any" inputmode="decimal" />
        </div>
        <div class="field">
          <label for="plan-planner">Planner</label>
          <select id="plan-planner" name="plannerDriver" value={driver()} onChange={(e) => setDriver(e.currentTarget.value)}>
            <option value="claude">Claude Code</option>
            <option value="acp">ACP agent</option>
          </select>
        </div>
        <Show when={driver() === "acp"}>
          <div class="field">
            <label for="plan-planner-profile">ACP profile</label>
            <select id="plan-planner-profile" name="plannerProfile">
              <For each={PLANNER_PROFILES}>{(p) => <option value={p}>{p}</option>}</For>
            </select>
          </div>
        </Show>
        <div class="field">
          <label for="plan-planner-model">Planner model (optional)</label>
          <input id="plan-planner-model" name="plannerModel" maxlength="120" autocomplete="off" placeholder="driver default" />
        </div>
        <p class="small muted wide">A read-only planner agent reads the workspace and proposes tasks for you to review; nothing runs before they are approved (unless the session approves plans by itself).</p>
        <div class="form-end">
          <button type="button" class="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={submission.pending}>
            {submission.pending ? "Starting the planner…" : "Plan it"}
          </button>
        </div>
        <Show when={error()}>
          <p id="plan-create-error" class="field-error wide" role="alert">
            {error()}
          </p>
        </Show>
      </form>
    </Dialog>
  );
}
