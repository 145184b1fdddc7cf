import { A } from "@solidjs/router";
import { For, Show, createEffect, createSignal, on } from "solid-js";
import { COMMANDABLE_AGENT_STATUSES } from "@rozet/vocabulary";
import type { Agent } from "../../api/types.ts";
import { AnsiInline } from "../../components/AnsiText.tsx";
import { commandHref, commandStatusLabel } from "../../lib/names.ts";
import type { CommandEntry } from "../../state/commands.ts";
import type { SendResult } from "../../providers/commands.tsx";

const SENDABLE: ReadonlySet<string> = COMMANDABLE_AGENT_STATUSES;

/**
 * The command box: a prompt (or shell command line) for one agent, sent with Ctrl/⌘+Enter or the button.
 * The command shows at once as queued; if the server refuses it, it is rolled back, the error is shown and the
 * text stays so it can be fixed and sent again.
 */
export function CommandBar(props: {
  agents: readonly Agent[];
  agentId: string;
  onAgentChange(agentId: string): void;
  commands: readonly CommandEntry[];
  send(agent: Agent, text: string): Promise<SendResult>;
  ref?: (textarea: HTMLTextAreaElement) => void;
}) {
  const [text, setText] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  // Docked under the timeline: the newest command shows; the rest of the recent ones on request.
  const [historyOpen, setHistoryOpen] = createSignal(false);
  const controllable = () => props.agents.filter((a) => a.driver !== "external");
  const agent = () => controllable().find((a) => a.id === props.agentId) ?? null;
  const recent = () => props.commands.filter((c) => c.agentId === props.agentId).slice(-5).reverse();
  createEffect(on(() => props.agentId, () => setError(null), { defer: true }));

  async function submit() {
    const target = agent();
    const value = text();
    if (!target || !value.trim()) return;
    setError(null);
    setText("");
    const result = await props.send(target, value);
    if (!result.ok) {
      setError(result.error);
      // Give the text back unless something new was typed meanwhile.
      if (!text()) setText(value);
    }
  }

  return (
    <section class="command-bar card" aria-labelledby="command-title">
      <form
        class="command-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="command-title" class="visually-hidden">
          Send a command
        </h2>
        <div class="field">
          <label for="command-agent">Agent</label>
          <select id="command-agent" value={props.agentId} onChange={(e) => props.onAgentChange(e.currentTarget.value)}>
            <Show when={!agent()}>
              <option value="">Choose an agent</option>
            </Show>
            <For each={controllable()}>
              {(a) => (
                <option value={a.id}>
                  {a.name} ({a.status})
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="field grow">
          <label for="command-text">Command{agent()?.driver === "shell" ? " line" : " (prompt)"}</label>
          <textarea
            id="command-text"
            ref={(el) => props.ref?.(el)}
            rows="1"
            maxlength="100000"
            placeholder={agent() ? `Tell ${agent()!.name} what to do (Ctrl+Enter sends)` : "Create or choose an agent first"}
            value={text()}
            aria-invalid={error() ? "true" : undefined}
            aria-describedby={error() ? "command-error" : undefined}
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") e.currentTarget.blur();
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void submit();
              }
            }}
          />
        </div>
        <button type="submit" class="button primary" disabled={!agent() || !text().trim() || !SENDABLE.has(agent()?.status ?? "")}>
          Send
        </button>
      </form>
      <Show when={error()}>
        <p id="command-error" class="field-error" role="alert">
          Not sent: {error()}
        </p>
      </Show>
      <Show when={agent() && !SENDABLE.has(agent()!.status)}>
        <p class="muted small">
          {agent()!.name} is {agent()!.status}; resume it to send commands.
        </p>
      </Show>
      <Show when={recent().length > 0}>
        <div class="command-history" classList={{ open: historyOpen() }}>
          <ol id="command-history-list" class="command-list" aria-label="Recent commands">
            <For each={recent()}>
              {(c) => (
                <li data-status={c.status} data-kind={c.kind} data-pending={c.pending ? "yes" : "no"}>
                  <span class="pill" data-status={commandStatusLabel(c)}>
                    {commandStatusLabel(c)}
                  </span>
                  <Show when={c.id} fallback={<span class="command-text">{c.text}</span>}>
                    {(id) => (
                      <A class="command-text" href={commandHref(agent()?.sessionId ?? "", id())} title="Open the run log">
                        {c.text}
                      </A>
                    )}
                  </Show>
                  <Show when={c.error}>{(error) => <AnsiInline class="error-text small" text={error()} />}</Show>
                </li>
              )}
            </For>
          </ol>
          <Show when={recent().length > 1}>
            <button
              type="button"
              class="button small ghost history-toggle"
              aria-expanded={historyOpen()}
              aria-controls="command-history-list"
              onClick={() => setHistoryOpen(!historyOpen())}
            >
              {historyOpen() ? "Newest only" : `${recent().length} recent`}
            </button>
          </Show>
        </div>
      </Show>
    </section>
  );
}
