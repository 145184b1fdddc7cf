import { useAction, useSubmission } from "@solidjs/router";
import { For, Show, createSignal } from "solid-js";
import type { Agent, Task } from "../../api/types.ts";
import { Dialog } from "../../components/Dialog.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { clearUnchanged, snapshotForm } from "../../lib/form-reset.ts";
import { formText } from "../../lib/form-text.ts";
import { createTask } from "./session.data.ts";

/**
 * "New task": assign, dependencies, budget. It stays open after a task is created, so the next one can be typed
 * at once; on success only the fields still holding what was sent are cleared, synchronously, never what the
 * operator typed while the request was out. On failure everything stays for fixing.
 */
export function CreateTaskDialog(props: { sessionId: string; agents: readonly Agent[]; tasks: readonly Task[]; open: boolean; onClose(): void }) {
  const submit = useAction(createTask);
  const submission = useSubmission(createTask);
  const [error, setError] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<string | null>(null);
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
    const sent = snapshotForm(form);
    setError(null);
    setCreated(null);
    try {
      await submit({
        sessionId: props.sessionId,
        title,
        prompt,
        agentId: agentId || undefined,
        dependsOn: data.getAll("dependsOn").map(String),
        budgetUsd: budget ? Number(budget) : undefined,
      });
    } catch (err) {
      return setError(errorMessage(err));
    }
    clearUnchanged(sent);
    setCreated(title);
  }

  const close = () => {
    setError(null);
    setCreated(null);
    props.onClose();
  };

  return (
    <Dialog open={props.open} onClose={close} title="New task" class="task-dialog">
      <form id="new-task-form" class="task-form" onSubmit={(e) => void onSubmit(e)} aria-describedby={error() ? "task-form-error" : undefined}>
        <div class="field">
          <label for="task-title">Title</label>
          <input id="task-title" name="title" required maxlength="200" autocomplete="off" autofocus />
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
          <button type="button" class="button" onClick={close}>
            Done
          </button>
          <button type="submit" class="button primary" disabled={submission.pending}>
            {submission.pending ? "Creating…" : "Create task"}
          </button>
        </div>
        <p class="small muted wide task-created" role="status">
          {created() ? `Created “${created()}”. Type the next one, or Done.` : ""}
        </p>
        <Show when={error()}>
          <p id="task-form-error" class="field-error wide" role="alert">
            {error()}
          </p>
        </Show>
      </form>
    </Dialog>
  );
}
