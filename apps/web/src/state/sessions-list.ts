/**
 * The sessions list: what the URL asks for (search text, sort) and the list kept current from `control.onUpdate`.
 * Pure functions; the page feeds them a frame's worth of updates at a time.
 */
import type { ControlUpdate, SessionListItem } from "../api/types.ts";

export const SESSION_SORTS = [
  { id: "created", label: "Newest" },
  { id: "activity", label: "Last activity" },
  { id: "name", label: "Name" },
  { id: "cost", label: "Cost" },
  { id: "events", label: "Events" },
] as const;
export type SessionSort = (typeof SESSION_SORTS)[number]["id"];

export interface SessionListView {
  q: string;
  sort: SessionSort;
}

/** `?q=…&sort=…` → the view; anything unknown falls back to the default (newest first, no search). */
export function readSessionListView(search: { q?: string | string[] | undefined; sort?: string | string[] | undefined }): SessionListView {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";
  const sort = first(search.sort);
  return { q: first(search.q), sort: SESSION_SORTS.some((s) => s.id === sort) ? (sort as SessionSort) : "created" };
}

/** The URL parameters of a view: defaults are left out, so the plain page keeps a plain URL. */
export function sessionListSearch(view: SessionListView): { q: string | undefined; sort: string | undefined } {
  return { q: view.q.trim() ? view.q : undefined, sort: view.sort === "created" ? undefined : view.sort };
}

/** The fields sorting, searching and live updates touch; tests build just these. */
export type ListedSession = Pick<
  SessionListItem,
  "id" | "name" | "status" | "createdAt" | "agents" | "activeAgents" | "events" | "costUsd" | "inputTokens" | "outputTokens" | "lastEventAt"
>;

const byCreated = (a: ListedSession, b: ListedSession) => b.createdAt.localeCompare(a.createdAt);
const COMPARE: Record<SessionSort, (a: ListedSession, b: ListedSession) => number> = {
  created: byCreated,
  // Sessions that never had an event go last, newest first among themselves.
  activity: (a, b) => (b.lastEventAt ?? -1) - (a.lastEventAt ?? -1) || byCreated(a, b),
  name: (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: "base", numeric: true }) || byCreated(a, b),
  cost: (a, b) => b.costUsd - a.costUsd || byCreated(a, b),
  events: (a, b) => b.events - a.events || byCreated(a, b),
};

/** The sessions the view shows: those whose name or id contains the search text (any case), in its order. */
export function visibleSessions<S extends ListedSession>(list: readonly S[], view: SessionListView): S[] {
  const needle = view.q.trim().toLowerCase();
  const matching = needle ? list.filter((s) => s.name.toLowerCase().includes(needle) || s.id.toLowerCase().includes(needle)) : [...list];
  return matching.sort(COMPARE[view.sort]);
}

type LiveStats = Pick<ListedSession, "events" | "costUsd" | "inputTokens" | "outputTokens" | "lastEventAt">;

/** The control feed types `data` as unknown: a stats update is used only when it has every field. */
function readStats(value: unknown): LiveStats | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  const numbers = ["events", "costUsd", "inputTokens", "outputTokens"].every((key) => typeof v[key] === "number");
  if (!numbers || !(typeof v.lastEventAt === "number" || v.lastEventAt === null)) return null;
  return { events: v.events as number, costUsd: v.costUsd as number, inputTokens: v.inputTokens as number, outputTokens: v.outputTokens as number, lastEventAt: v.lastEventAt };
}

function readSessionRow(value: unknown, id: string): Pick<ListedSession, "name" | "status"> | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (v.id !== id || typeof v.name !== "string" || (v.status !== "active" && v.status !== "archived")) return null;
  return { name: v.name, status: v.status };
}

export interface SessionListResult<S> {
  list: S[];
  /** Something changed that the updates cannot describe (a new session, agent counts): re-read `session.list`. */
  refetch: boolean;
}

/**
 * Applies a burst of control updates in one pass: totals and last activity from "stats", names and status from
 * "session", removals; a session that is not listed yet, or any agent change (the counts need every agent's
 * status), asks for a re-read instead. Returns the same array when nothing it shows changed.
 */
export function applySessionListUpdates<S extends ListedSession>(list: readonly S[], updates: readonly ControlUpdate[]): SessionListResult<S> {
  const patches = new Map<string, Partial<ListedSession>>();
  const removed = new Set<string>();
  let refetch = false;
  const known = new Set(list.map((s) => s.id));
  for (const update of updates) {
    if (update.entity === "agent") {
      refetch = true;
    } else if (update.entity === "stats" && update.sessionId) {
      const stats = readStats(update.data);
      if (!known.has(update.sessionId)) refetch = true;
      else if (stats) patches.set(update.sessionId, { ...patches.get(update.sessionId), ...stats });
    } else if (update.entity === "session") {
      if (update.action === "deleted") {
        removed.add(update.id);
        continue;
      }
      const row = readSessionRow(update.data, update.id);
      if (!known.has(update.id) || !row) refetch = true;
      else patches.set(update.id, { ...patches.get(update.id), ...row });
    }
  }
  if (patches.size === 0 && removed.size === 0) return { list: list as S[], refetch };
  const next = list.filter((s) => !removed.has(s.id)).map((s) => {
    const patch = patches.get(s.id);
    return patch ? { ...s, ...patch } : s;
  });
  return { list: next, refetch };
}
