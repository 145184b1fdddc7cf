/**
 * The permission inbox: every pending request across all sessions and agents, kept current from
 * `control.onUpdate` (entity "permission"). Pure: `(pending, update) → result`; the provider holds the list.
 */
import type { ControlUpdate, Permission } from "../api/types.ts";

/** The fields the reducer reads; tests build just these, the app passes whole rows. */
export type InboxItem = Pick<Permission, "id" | "sessionId" | "status" | "createdAt">;

export interface InboxResult<P extends InboxItem> {
  pending: P[];
  /** A request that was not in the inbox before (for a notification). */
  added: P | null;
  /** The update named a request we cannot describe from it: re-read `permission.list`. */
  refetch: boolean;
}

function isPermissionRow<P extends InboxItem>(value: unknown, id: string): value is P {
  if (!value || typeof value !== "object") return false;
  const row = value as Record<string, unknown>;
  return row.id === id && typeof row.sessionId === "string" && typeof row.status === "string" && typeof row.createdAt === "string";
}

/** Oldest first: they time out first. */
export function sortInbox<P extends InboxItem>(pending: readonly P[]): P[] {
  return [...pending].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

export function applyPermissionUpdate<P extends InboxItem>(pending: readonly P[], update: ControlUpdate): InboxResult<P> {
  const unchanged: InboxResult<P> = { pending: pending as P[], added: null, refetch: false };
  if (update.entity === "session" && update.action === "deleted") {
    const next = pending.filter((p) => p.sessionId !== update.id);
    return next.length === pending.length ? unchanged : { ...unchanged, pending: next };
  }
  if (update.entity !== "permission") return unchanged;
  const index = pending.findIndex((p) => p.id === update.id);
  const row = isPermissionRow<P>(update.data, update.id) ? update.data : null;
  const status = row?.status ?? update.status;
  if (update.action === "deleted" || (status !== undefined && status !== "pending")) {
    return index === -1 ? unchanged : { ...unchanged, pending: pending.filter((p) => p.id !== update.id) };
  }
  if (!row) return index === -1 ? { ...unchanged, refetch: true } : unchanged;
  if (index !== -1) return { ...unchanged, pending: pending.map((p, i) => (i === index ? row : p)) };
  return { pending: sortInbox([...pending, row]), added: row, refetch: false };
}

/** Removes a request the operator just answered (before its control update arrives). */
export function withoutRequest<P extends InboxItem>(pending: readonly P[], id: string): P[] {
  return pending.filter((p) => p.id !== id);
}
