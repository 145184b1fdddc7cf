/**
 * Which control updates deserve a notification: a new permission request, an agent that failed, a task that
 * finished. Pure: the caller keeps `seen` (what was last known about each entity) between calls, so a repeated
 * update (a reconnect replays the feed) does not notify twice.
 */
import type { ControlUpdate } from "../api/types.ts";

export interface Notice {
  /** Same tag = same notification (the browser replaces rather than stacks it). */
  tag: string;
  title: string;
  body: string;
  /** Where clicking it goes. */
  href: string;
  kind: "permission" | "agent-failed" | "task-finished";
}

const clip = (text: string, max = 140) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** `control.onUpdate` types `data` as unknown (one field for every entity): read its fields defensively. */
function fields(data: unknown): Record<string, unknown> {
  return data && typeof data === "object" ? (data as Record<string, unknown>) : {};
}
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

export function noticeFor(update: ControlUpdate, seen: Map<string, string>): Notice | null {
  const key = `${update.entity}:${update.id}`;
  const previous = seen.get(key);
  const data = fields(update.data);
  const status = update.status ?? text(data.status);
  if (status !== undefined) seen.set(key, status);
  if (status === undefined || status === previous) return null;

  if (update.entity === "permission" && status === "pending") {
    const input = fields(data.input);
    const subject = text(input.file_path) ?? text(input.command) ?? text(input.path);
    return {
      tag: `permission-${update.id}`,
      title: `Permission needed: ${text(data.toolName) ?? "a tool"}`,
      body: clip(subject ?? text(data.reason) ?? "An agent is waiting for your answer."),
      href: "/permissions",
      kind: "permission",
    };
  }
  if (update.entity === "agent" && status === "failed") {
    return {
      tag: `agent-failed-${update.id}`,
      title: `Agent ${text(data.name) ?? update.id} failed`,
      body: clip(text(data.lastError) ?? "It stopped with an error."),
      href: update.sessionId ? `/sessions/${encodeURIComponent(update.sessionId)}` : "/",
      kind: "agent-failed",
    };
  }
  if (update.entity === "task" && (status === "completed" || status === "failed")) {
    return {
      tag: `task-${update.id}`,
      title: `Task ${status === "completed" ? "finished" : "failed"}: ${clip(text(data.title) ?? update.id, 60)}`,
      body: clip(text(status === "completed" ? data.result : data.error) ?? status),
      href: update.sessionId ? `/sessions/${encodeURIComponent(update.sessionId)}?view=tasks` : "/",
      kind: "task-finished",
    };
  }
  return null;
}
