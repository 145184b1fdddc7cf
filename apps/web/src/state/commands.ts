/**
 * Commands sent to agents, with optimistic updates. A command is shown the moment the operator sends it
 * ("queued", before the server has answered); the server's answer and the control feed move it on
 * (accepted → running → completed | failed | cancelled); a refused send is rolled back and its error shown.
 *
 * Matching: the client picks the idempotency key, so the control feed's "created" update (which may arrive
 * before the mutation's answer) is recognised as the same command. Statuses only move forward.
 */
import type { Command, CommandStatus, ControlUpdate } from "../api/types.ts";
import { commandTitle } from "../lib/names.ts";

export type CommandRow = Pick<Command, "id" | "agentId" | "kind" | "status" | "error" | "result" | "idempotencyKey" | "input" | "createdAt">;

export interface CommandEntry {
  /** The idempotency key (ours), or the command id for commands someone else sent. */
  key: string;
  id: string | null;
  agentId: string;
  kind: Command["kind"];
  text: string;
  status: CommandStatus;
  error: string | null;
  result: string | null;
  /** Sent from this page and not yet acknowledged by the server. */
  pending: boolean;
  createdAt: number;
}

export type CommandAction =
  | { type: "sent"; key: string; agentId: string; kind: Command["kind"]; text: string; at: number }
  | { type: "acknowledged"; key: string; command: CommandRow }
  | { type: "rejected"; key: string }
  /** `agentIds`: only commands of these agents (all when omitted). */
  | { type: "control"; update: ControlUpdate; agentIds?: ReadonlySet<string> }
  /** An agent's recent commands read from the server (after a reload, or on first showing the agent). */
  | { type: "loaded"; agentId: string; rows: readonly CommandRow[] }
  | { type: "forget"; key: string };

/** Entries kept per agent, and in all (older finished ones are dropped). */
export const COMMANDS_PER_AGENT = 20;
export const COMMANDS_TOTAL = 400;

const rank: Record<CommandStatus, number> = { queued: 0, accepted: 1, running: 2, completed: 3, failed: 3, cancelled: 3 };

export function isFinished(status: CommandStatus): boolean {
  return rank[status] === 3;
}

function merge(entry: CommandEntry, row: CommandRow, acknowledged: boolean): CommandEntry {
  const forward = rank[row.status] >= rank[entry.status];
  return {
    ...entry,
    id: row.id,
    status: forward ? row.status : entry.status,
    error: forward ? row.error : entry.error,
    result: forward ? row.result : entry.result,
    pending: acknowledged ? false : entry.pending,
  };
}

function fromRow(row: CommandRow): CommandEntry {
  return {
    key: row.idempotencyKey ?? row.id,
    id: row.id,
    agentId: row.agentId,
    kind: row.kind,
    text: commandTitle(row),
    status: row.status,
    error: row.error,
    result: row.result,
    pending: false,
    createdAt: Date.parse(row.createdAt) || Date.now(),
  };
}

function trim(entries: CommandEntry[], agentId: string): CommandEntry[] {
  const mine = entries.filter((e) => e.agentId === agentId);
  if (mine.length > COMMANDS_PER_AGENT) entries = dropFinished(entries, mine, mine.length - COMMANDS_PER_AGENT);
  return entries.length > COMMANDS_TOTAL ? dropFinished(entries, entries, entries.length - COMMANDS_TOTAL) : entries;
}

/** Drops the oldest `excess` finished entries among `candidates`; never an unfinished or pending one. */
function dropFinished(entries: CommandEntry[], candidates: CommandEntry[], excess: number): CommandEntry[] {
  const drop = new Set<CommandEntry>();
  for (const entry of candidates) {
    if (excess === 0) break;
    if (!entry.pending && isFinished(entry.status)) {
      drop.add(entry);
      excess--;
    }
  }
  return entries.filter((e) => !drop.has(e));
}

function isCommandRow(value: unknown, id: string): value is CommandRow {
  if (!value || typeof value !== "object") return false;
  const row = value as Record<string, unknown>;
  return row.id === id && typeof row.agentId === "string" && typeof row.status === "string" && typeof row.kind === "string";
}

/** Oldest first. Returns the same array when nothing changed. */
export function reduceCommands(entries: readonly CommandEntry[], action: CommandAction): CommandEntry[] {
  const list = entries as CommandEntry[];
  switch (action.type) {
    case "sent": {
      if (list.some((e) => e.key === action.key)) return list;
      const entry: CommandEntry = {
        key: action.key,
        id: null,
        agentId: action.agentId,
        kind: action.kind,
        text: action.text,
        status: "queued",
        error: null,
        result: null,
        pending: true,
        createdAt: action.at,
      };
      return trim([...list, entry], action.agentId);
    }
    case "acknowledged": {
      const index = list.findIndex((e) => e.key === action.key || (action.command.id && e.id === action.command.id));
      if (index === -1) return trim([...list, fromRow(action.command)], action.command.agentId);
      return list.map((e, i) => (i === index ? merge(e, action.command, true) : e));
    }
    case "rejected":
    case "forget": {
      const next = list.filter((e) => e.key !== action.key);
      return next.length === list.length ? list : next;
    }
    case "control": {
      const update = action.update;
      if (update.entity !== "command" || !isCommandRow(update.data, update.id)) return list;
      const row = update.data;
      if (action.agentIds && !action.agentIds.has(row.agentId)) return list;
      const index = list.findIndex((e) => e.id === row.id || (row.idempotencyKey !== null && e.key === row.idempotencyKey));
      if (index === -1) return trim([...list, fromRow(row)], row.agentId);
      const merged = merge(list[index]!, row, false);
      return list.map((e, i) => (i === index ? merged : e));
    }
    case "loaded": {
      // Known ones move forward only (the feed may be ahead of the query); the rest join in time order.
      let next = list;
      for (const row of action.rows) {
        if (row.agentId !== action.agentId) continue;
        const index = next.findIndex((e) => e.id === row.id || (row.idempotencyKey !== null && e.key === row.idempotencyKey));
        next = index === -1 ? [...next, fromRow(row)] : next.map((e, i) => (i === index ? merge(e, row, true) : e));
      }
      if (next === list) return list;
      return trim([...next].sort((a, b) => a.createdAt - b.createdAt), action.agentId);
    }
  }
}

/** A fresh idempotency key (the API accepts letters, digits and `. _ : -`, 8–128 characters). */
export function newCommandKey(): string {
  const random = typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `web-${random}`;
}
