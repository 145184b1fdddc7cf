import { useAction, useSubmission } from "@solidjs/router";
import { For, Show, createSignal } from "solid-js";
import type { AgentDriver } from "../../api/types.ts";
import { Dialog } from "../../components/Dialog.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { agentInputFromForm } from "./agent-form.ts";
import { createAgent } from "./session.data.ts";

const DRIVERS: { value: Exclude<AgentDriver, "external">; label: string }[] = [
  { value: "claude", label: "Claude Code" },
  { value: "acp", label: "ACP agent" },
  { value: "shell", label: "Shell" },
];
const PROFILES = ["claude", "codex", "gemini", "opencode", "custom"] as const;
const MODES = [
  { value: "default", label: "Ask for risky tools (default)" },
  { value: "acceptEdits", label: "Accept file edits" },
  { value: "plan", label: "Plan only" },
] as const;

export function CreateAgentDialog(props: { sessionId: string; open: boolean; onClose(): void; onCreated?(agentId: string): void }) {
  const submit = useAction(createAgent);
  const submission = useSubmission(createAgent);
  const [driver, setDriver] = createSignal<AgentDriver>("claude");
  const [profile, setProfile] = createSignal<string>("claude");
  const [formError, setFormError] = createSignal<string | null>(null);

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const input = agentInputFromForm(props.sessionId, new FormData(form));
    if (typeof input === "string") return setFormError(input);
    setFormError(null);
    let created: unknown;
    try {
      created = await submit(input);
    } catch {
      return; // shown from submission.error below
    }
    form.reset();
    setDriver("claude");
    props.onClose();
    const id = created && typeof created === "object" && "id" in created ? created.id : null;
    if (typeof id === "string") props.onCreated?.(id);
  }

  const error = () => formError() ?? (submission.error ? errorMessage(submission.error) : null);

  return (
    <Dialog open={props.open} onClose={() => { submission.clear?.(); setFormError(null); props.onClose(); }} title="New agent">
      <form class="stack-form" onSubmit={(e) => void onSubmit(e)} aria-describedby={error() ? "agent-form-error" : undefined}>
        <div class="field">
          <label for="agent-name">Name</label>
          <input id="agent-name" name="name" required maxlength="120" autocomplete="off" placeholder="e.g. docs-writer" autofocus />
        </div>
        <div class="field">
          <label for="agent-driver">Driver</label>
          <select id="agent-driver" name="driver" value={driver()} onChange={(e) => setDriver(e.currentTarget.value as AgentDriver)}>
            <For each={DRIVERS}>{(d) => <option value={d.value}>{d.label}</option>}</For>
          </select>
        </div>
        <Show when={driver() === "acp"}>
          <div class="field">
            <label for="agent-profile">ACP profile</label>
            <select id="agent-profile" name="profile" value={profile()} onChange={(e) => setProfile(e.currentTarget.value)}>
              <For each={PROFILES}>{(p) => <option value={p}>{p}</option>}</For>
            </select>
          </div>
          <Show when={profile() === "custom"}>
            <div class="field">
              <label for="agent-command">Command line (argv, no shell)</label>
              <input id="agent-command" name="command" placeholder="my-agent --acp" autocomplete="off" />
            </div>
          </Show>
        </Show>
        <Show when={driver() !== "shell"}>
          <div class="field">
            <label for="agent-model">Model (optional)</label>
            <input id="agent-model" name="model" maxlength="120" autocomplete="off" placeholder="provider default" />
          </div>
          <div class="field">
            <label for="agent-mode">Permissions</label>
            <select id="agent-mode" name="permissionMode">
              <For each={MODES}>{(m) => <option value={m.value}>{m.label}</option>}</For>
            </select>
          </div>
        </Show>
        <div class="check-field">
          <input id="agent-worktree" name="worktree" type="checkbox" />
          <label for="agent-worktree">Own git worktree and branch (git workspaces only)</label>
        </div>
        <fieldset class="budget-fields">
          <legend>Budget (optional): the agent pauses when it is used up</legend>
          <div class="field">
            <label for="agent-budget-usd">USD</label>
            <input id="agent-budget-usd" name="budgetUsd" type="number" min="0" step="0.01" inputmode="decimal" />
          </div>
          <div class="field">
            <label for="agent-budget-tokens">Tokens</label>
            <input id="agent-budget-tokens" name="budgetTokens" type="number" min="0" step="1000" inputmode="numeric" />
          </div>
        </fieldset>
        <Show when={error()}>
          <p id="agent-form-error" class="field-error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="dialog-actions">
          <button type="button" class="button" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={submission.pending}>
            {submission.pending ? "Creating…" : "Create agent"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
