import { describe, expect, it } from "vitest";
import type { ControlUpdate } from "../src/api/types.ts";
import {
  applySessionListUpdates,
  readSessionListView,
  sessionListSearch,
  visibleSessions,
  type ListedSession,
} from "../src/state/sessions-list.ts";

function session(id: string, fields: Partial<ListedSession> = {}): ListedSession {
  return {
    id,
    name: `session-${id}`,
    status: "active",
    createdAt: "2026-12-06T01:00:00.000Z",
    agents: 0,
    activeAgents: 0,
    events: 0,
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    lastEventAt: null,
    ...fields,
  };
}

const stats = (sessionId: string, fields: Record<string, unknown>): ControlUpdate => ({
  entity: "stats",
  id: sessionId,
  sessionId,
  action: "updated",
  data: { events: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, toolOk: 0, toolFailed: 0, lastEventAt: null, ...fields },
});

describe("the sessions list view in the URL", () => {
  it("reads search and sort, falling back to newest first for an unknown sort", () => {
    expect(readSessionListView({ q: "auth", sort: "cost" })).toEqual({ q: "auth", sort: "cost" });
    expect(readSessionListView({ sort: "bogus" })).toEqual({ q: "", sort: "created" });
    expect(readSessionListView({ q: ["a", "b"], sort: ["activity"] })).toEqual({ q: "a", sort: "activity" });
  });

  it("leaves defaults out of the URL", () => {
    expect(sessionListSearch({ q: "", sort: "created" })).toEqual({ q: undefined, sort: undefined });
    expect(sessionListSearch({ q: "x", sort: "activity" })).toEqual({ q: "x", sort: "activity" });
  });
});

describe("visibleSessions", () => {
  const list = [
    session("a", { name: "Refactor auth", createdAt: "2026-12-06T01:00:00.000Z", costUsd: 2, events: 5, lastEventAt: 100 }),
    session("b", { name: "docs", createdAt: "2026-12-06T03:00:00.000Z", costUsd: 0.5, events: 50, lastEventAt: null }),
    session("c", { name: "auth tests", createdAt: "2026-12-06T02:00:00.000Z", costUsd: 7, events: 1, lastEventAt: 300 }),
  ];
  const order = (q: string, sort: Parameters<typeof visibleSessions>[1]["sort"]) => visibleSessions(list, { q, sort }).map((s) => s.id);

  it("sorts by each key", () => {
    expect(order("", "created")).toEqual(["b", "c", "a"]);
    expect(order("", "activity")).toEqual(["c", "a", "b"]);
    expect(order("", "name")).toEqual(["c", "b", "a"]);
    expect(order("", "cost")).toEqual(["c", "a", "b"]);
    expect(order("", "events")).toEqual(["b", "a", "c"]);
  });

  it("searches names (any case) and ids, without touching the input", () => {
    expect(order("AUTH", "created")).toEqual(["c", "a"]);
    expect(order("b", "created")).toEqual(["b"]);
    expect(order("nothing", "created")).toEqual([]);
    expect(list.map((s) => s.id)).toEqual(["a", "b", "c"]);
  });
});

describe("applySessionListUpdates", () => {
  it("applies live totals and last activity; the newest update of a burst wins", () => {
    const list = [session("a"), session("b")];
    const result = applySessionListUpdates(list, [
      stats("a", { events: 10, costUsd: 0.1, lastEventAt: 1_000 }),
      stats("a", { events: 25, costUsd: 0.3, inputTokens: 9, outputTokens: 2, lastEventAt: 2_000 }),
    ]);
    expect(result.refetch).toBe(false);
    expect(result.list[0]).toMatchObject({ events: 25, costUsd: 0.3, inputTokens: 9, outputTokens: 2, lastEventAt: 2_000 });
    expect(result.list[1]).toBe(list[1]);
  });

  it("ignores malformed stats, and asks to re-read for sessions it does not list or agent changes", () => {
    const list = [session("a")];
    const bad = applySessionListUpdates(list, [stats("a", { events: "many" })]);
    expect(bad).toEqual({ list, refetch: false });
    expect(bad.list).toBe(list);
    expect(applySessionListUpdates(list, [stats("new", { events: 1 })]).refetch).toBe(true);
    expect(applySessionListUpdates(list, [{ entity: "agent", id: "x", sessionId: "a", action: "created" }]).refetch).toBe(true);
  });

  it("renames, archives and removes sessions", () => {
    const list = [session("a"), session("b")];
    const row = { id: "a", name: "renamed", status: "archived", createdAt: "2026-12-06T01:00:00.000Z" };
    const result = applySessionListUpdates(list, [
      { entity: "session", id: "a", sessionId: "a", action: "updated", status: "archived", data: row },
      { entity: "session", id: "b", sessionId: "b", action: "deleted" },
    ]);
    expect(result.list).toEqual([{ ...list[0], name: "renamed", status: "archived" }]);
    expect(result.refetch).toBe(false);
    expect(applySessionListUpdates(list, [{ entity: "session", id: "z", sessionId: "z", action: "created", data: { ...row, id: "z" } }]).refetch).toBe(true);
  });
});
