/**
 * Commands sent to agents, app-wide, with optimistic updates (the pure part is `state/commands.ts`): shown as
 * "queued" the moment they are sent, moved on by the server's answer and `control.onUpdate`, rolled back with
 * the error when the server refuses (bad input, agent gone or not running, server down). App-wide so a
 * command's progress survives moving between pages; an agent's recent commands are read from the server the
 * first time a page shows it (so they survive a reload too) and again after the connection comes back.
 */
import { createContext, createEffect, createSignal, on, onCleanup, useContext, type Accessor, type ParentProps } from "solid-js";
import type { Agent, Command } from "../api/types.ts";
import { errorMessage } from "../lib/errors.ts";
import { commandTitle } from "../lib/names.ts";
import { timedCommand } from "../lib/telemetry.ts";
import { COMMANDS_PER_AGENT, newCommandKey, reduceCommands, type CommandAction, type CommandEntry } from "../state/commands.ts";
import { useApi } from "./api.tsx";
import { useConnection } from "./connection.tsx";

export type SendResult = { ok: true } | { ok: false; error: string };

interface Commands {
  entries: Accessor<readonly CommandEntry[]>;
  /** Reads the agent's recent commands from the server (once; again after a reconnect). */
  load: (agentId: string) => void;
  send: (agent: Pick<Agent, "id">, text: string) => Promise<SendResult>;
  interrupt: (agent: Pick<Agent, "id">) => Promise<SendResult>;
  stop: (agent: Pick<Agent, "id">) => Promise<SendResult>;
}

const CommandsContext = createContext<Commands>();

export function CommandsProvider(props: ParentProps) {
  const api = useApi();
  const connection = useConnection();
  const [entries, setEntries] = createSignal<CommandEntry[]>([]);
  const dispatch = (action: CommandAction) => setEntries((list) => reduceCommands(list, action));
  // Agents a page has shown: their recent commands are read once, and again whenever the connection comes back
  // (updates sent while it was down are lost). A failed read is not fatal: new commands still show.
  const shown = new Set<string>();
  const readRecent = (agentId: string) =>
    api.agent.commands
      .query({ agentId, limit: COMMANDS_PER_AGENT })
      .then((rows) => dispatch({ type: "loaded", agentId, rows }))
      .catch(() => undefined);
  createEffect(
    on(connection.status, (status, previous) => {
      if (status === "live" && previous !== undefined && previous !== "live") for (const agentId of shown) void readRecent(agentId);
    }),
  );
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
    load(agentId) {
      if (shown.has(agentId)) return;
      shown.add(agentId);
      void readRecent(agentId);
    },
    send: (agent, text) => run(agent.id, "prompt", text, (key) => api.agent.command.mutate({ agentId: agent.id, text, idempotencyKey: key })),
    interrupt: (agent) => run(agent.id, "interrupt", commandTitle({ kind: "interrupt", input: {} }), (key) => api.agent.interrupt.mutate({ agentId: agent.id, idempotencyKey: key })),
    stop: (agent) => run(agent.id, "stop", commandTitle({ kind: "stop", input: {} }), (key) => api.agent.stop.mutate({ agentId: agent.id, idempotencyKey: key })),
  };
  return <CommandsContext.Provider value={value}>{props.children}</CommandsContext.Provider>;
}

export function useCommands(): Commands {
  const value = useContext(CommandsContext);
  if (!value) throw new Error("useCommands() must be called inside <CommandsProvider>");
  return value;
}
