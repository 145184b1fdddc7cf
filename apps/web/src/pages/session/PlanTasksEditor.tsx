import { For, Show } from "solid-js";
import { unwrap } from "solid-js/store";
import { DRIVERS, addTask, removeTask, setDependency, setPlanBudget, setTaskField, type PlanEdit, type TaskField } from "../../state/plan-edit.ts";

/**
 * A draft's tasks as a form: each task's title, prompt, budget, driver, model and dependencies, remove and add tasks, the
 * plan's budget. Every change goes through the pure edit functions (state/plan-edit.ts); nothing is sent from here.
 */
export function PlanTasksEditor(props: { edit: PlanEdit; setEdit(next: PlanEdit): void; errorId: string | undefined }) {
  const change = (next: (current: PlanEdit) => PlanEdit) => props.setEdit(next(unwrap(props.edit)));
  // eslint-disable-next-line solid/reactivity -- an input handler: it reads the edit when the field changes
  const field = (key: string, name: TaskField) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    change((edit) => setTaskField(edit, key, name, value));
  };
  const id = (key: string, name: string) => `plan-task-${key}-${name}`;

  return (
    <form class="plan-editor" aria-label="Edit the draft" aria-describedby={props.errorId} onSubmit={(e) => e.preventDefault()}>
      <div class="field plan-budget-field">
        <label for="plan-edit-budget">Plan budget USD (empty: none)</label>
        <input id="plan-edit-budget" type="number" min="0" step="any" inputmode="decimal" value={props.edit.budget} onInput={(e) => change((edit) => setPlanBudget(edit, e.currentTarget.value))} />
      </div>
      <ol class="plan-task-list">
        <For each={props.edit.tasks}>
          {(task) => {
            const name = () => task.title.trim() || task.key;
            const others = () => props.edit.tasks.filter((t) => t.key !== task.key);
            return (
              <li class="plan-task editing" id={`plan-task-${task.key}`} data-task={task.title}>
                <fieldset>
                  <legend>
                    <code>{task.key}</code> {name()}
                  </legend>
                  <div class="plan-task-fields">
                    <div class="field wide">
                      <label for={id(task.key, "title")}>Title</label>
                      <input id={id(task.key, "title")} value={task.title} maxlength="200" autocomplete="off" onInput={field(task.key, "title")} />
                    </div>
                    <div class="field wide">
                      <label for={id(task.key, "prompt")}>Prompt</label>
                      <textarea id={id(task.key, "prompt")} rows="3" maxlength="100000" value={task.prompt} onInput={field(task.key, "prompt")} />
                    </div>
                    <div class="field">
                      <label for={id(task.key, "budget")}>Budget USD</label>
                      <input id={id(task.key, "budget")} type="number" min="0" step="any" inputmode="decimal" value={task.budget} onInput={field(task.key, "budget")} />
                    </div>
                    <div class="field">
                      <label for={id(task.key, "driver")}>Agent (when none is idle)</label>
                      <select id={id(task.key, "driver")} value={task.driver} onChange={field(task.key, "driver")}>
                        <For each={DRIVERS}>{(driver) => <option value={driver}>{driver}</option>}</For>
                      </select>
                    </div>
                    <Show when={task.driver !== "shell"}>
                      <div class="field">
                        <label for={id(task.key, "model")}>Model (optional)</label>
                        <input id={id(task.key, "model")} value={task.model ?? ""} maxlength="120" autocomplete="off" placeholder="driver default" onInput={field(task.key, "model")} />
                      </div>
                    </Show>
                    <Show when={others().length > 0}>
                      <fieldset class="deps wide">
                        <legend>Starts after</legend>
                        <For each={others()}>
                          {(other) => (
                            <label class="check">
                              <input
                                type="checkbox"
                                checked={task.dependsOn.includes(other.key)}
                                onChange={(e) => change((edit) => setDependency(edit, task.key, other.key, e.currentTarget.checked))}
                              />{" "}
                              {other.title.trim() || other.key}
                            </label>
                          )}
                        </For>
                      </fieldset>
                    </Show>
                    <Show when={task.touches.length > 0}>
                      <p class="small muted wide">Touches: {task.touches.join(", ")}</p>
                    </Show>
                  </div>
                  <button type="button" class="button small danger" onClick={() => change((edit) => removeTask(edit, task.key))}>
                    Remove task<span class="visually-hidden"> {name()}</span>
                  </button>
                </fieldset>
              </li>
            );
          }}
        </For>
      </ol>
      <button
        type="button"
        class="button small"
        onClick={() => {
          const added = addTask(unwrap(props.edit));
          props.setEdit(added.edit);
          requestAnimationFrame(() => document.getElementById(id(added.key, "title"))?.focus());
        }}
      >
        Add a task
      </button>
    </form>
  );
}
