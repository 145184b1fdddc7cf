/**
 * Commands sent to agents, app-wide, with optimistic updates (the pure part is `state/commands.ts`): shown as
 * "queued" the moment they are sent, moved on by the server's answer and `control.onUpdate`, rolled back with
 * the error when the server refuses (bad input, agent gone or not running, server down). App-wide so a
 * command's progress survives moving between pages; the API has no command list, so not a reload.
 */
import { createContext, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from "solid-js";
import type { Agent, Command } from "../api/types.ts";
import { errorMessage } from "../lib/errors.ts";
import { timedCommand } from "../lib/telemetry.ts";
import { newCommandKey, reduceCommands, type CommandAction, type CommandEntry } from "../state/commands.ts";
import { useApi } from "./api.tsx";
import { useConnection } from "./connection.tsx";

export type SendResult = { ok: true } | { ok: false; error: string };

interface Commands {
  entries: Accessor<readonly CommandEntry[]>;
  send(agent: Pick<Agent, "id">, text: string): Promise<SendResult>;
  interrupt(agent: Pick<Agent, "id">): Promise<SendResult>;
  stop(agent: Pick<Agent, "id">): Promise<SendResult>;
}

const CommandsContext = createContext<Commands>();

export function CommandsProvider(props: ParentProps) {
  const api = useApi();
  const connection = useConnection();
  const [entries, setEntries] = createSignal<CommandEntry[]>([]);
  const dispatch = (action: CommandAction) => setEntries((list) => reduceCommands(list, action));
  onCleanup(
    connection.onControlUpdate((update) => {
      if (update.entity === "command") dispatch({ type: "control", update });
    }),
  );

  async function run(agentId: string, kind: CommandEntry["kind"], text: string, call: (key: string) => Promise<Command>): Promise<SendResult> {
    const key = newCommandKey();
    dispatch({ type: "sent", key, agentId, kind, text, at: Date.now() });
    try {
      const command = await timedCommand(api, `agent.${kind === "prompt" ? "command" : kind}`, () => call(key));
      dispatch({ type: "acknowledged", key, command });
      return { ok: true };
    } catch (error) {
      dispatch({ type: "rejected", key });
      return { ok: false, error: errorMessage(error) };
    }
  }

  const value: Commands = {
    entries,
    send: (agent, text) => run(agent.id, "prompt", text, (key) => api.agent.command.mutate({ agentId: agent.id, text, idempotencyKey: key })),
    interrupt: (agent) => run(agent.id, "interrupt", "interrupt", (key) => api.agent.interrupt.mutate({ agentId: agent.id, idempotencyKey: key })),
    stop: (agent) => run(agent.id, "stop", "stop", (key) => api.agent.stop.mutate({ agentId: agent.id, idempotencyKey: key })),
  };
  return <CommandsContext.Provider value={value}>{props.children}</CommandsContext.Provider>;
}

export function useCommands(): Commands {
  const value = useContext(CommandsContext);
  if (!value) throw new Error("useCommands() must be called inside <CommandsProvider>");
  return value;
}
