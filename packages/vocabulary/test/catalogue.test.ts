import { describe, expect, expectTypeOf, it } from "vitest";
import {
  allowedStatuses,
  catalogueEvent,
  eventCatalogue,
  eventsOfType,
  isEventType,
  readPayload,
  type CatalogueEvent,
  type EventPayload,
} from "../src/index.ts";

describe("event catalogue", () => {
  it("a wrong payload for a type does not compile", () => {
    // @ts-expect-error file.changed carries { path, kind, summarized, patch | reason, added, removed }, not { diff }
    catalogueEvent("file.changed", { diff: "--- a\n+++ b\n" });
    // @ts-expect-error the union is discriminated by type: a shell.output payload is not a file.changed one
    const wrong: CatalogueEvent = { type: "file.changed", payload: { stream: "stdout", text: "hi" } };
    // @ts-expect-error a field the type does not have (all of tool.started's fields are optional: excess is the check)
    const extra: CatalogueEvent = { type: "tool.started", payload: { toolUseId: "t1", diff: "x" } };
    expect(extra.type).toBe("tool.started");
    // @ts-expect-error unknown types are not catalogue events
    catalogueEvent("tool.exploded", {});
    expect(wrong.type).toBe("file.changed");

    const right = catalogueEvent("file.changed", { path: "/w/a.ts", kind: "update", summarized: false, patch: "@@", added: 1, removed: 0 }, { filePath: "/w/a.ts" });
    expectTypeOf(right.payload.patch).toEqualTypeOf<string | undefined>();
    expectTypeOf<EventPayload<"agent.status">>().toHaveProperty("from");
    expect(right).toEqual({ type: "file.changed", filePath: "/w/a.ts", payload: { path: "/w/a.ts", kind: "update", summarized: false, patch: "@@", added: 1, removed: 0 } });
  });

  it("reads a stored payload through its type's schema; a malformed one is an error, never a throw", () => {
    const ok = readPayload("file.changed", { path: "/w/a.ts", kind: "create", summarized: true, reason: "binary content", added: 0, removed: 0, raw: { any: 1 } });
    expect(ok).toMatchObject({ ok: true, payload: { path: "/w/a.ts", summarized: true, reason: "binary content" } });
    // The shape the ACP driver used to store: readable as "not a file.changed payload", with the fields named.
    const old = readPayload("file.changed", { path: "/w/a.ts", change: "modified", diff: "@@", additions: 1, deletions: 0 });
    expect(old.ok).toBe(false);
    if (!old.ok) expect(old.error).toMatch(/kind/);
    expect(readPayload("agent.status", null).ok).toBe(false);
    // Hook-only types keep whatever the hook sent.
    expect(readPayload("session.ended", { reason: "clear", extra: [1] })).toEqual({ ok: true, payload: { reason: "clear", extra: [1] } });
  });

  it("knows its types and the statuses each allows", () => {
    expect(isEventType("tool.finished")).toBe(true);
    expect(isEventType("hook.SomethingNew")).toBe(false);
    expect(isEventType("toString")).toBe(false);
    expect(allowedStatuses("permission.answered")).toEqual(["allowed", "denied", "timed_out", "cancelled"]);
    expect(allowedStatuses("usage")).toBeUndefined();
    expect(allowedStatuses("hook.SomethingNew")).toBeUndefined();
    for (const type of Object.keys(eventCatalogue)) expect(type).toMatch(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/);
  });

  it("narrows a list of events by type", () => {
    const events: CatalogueEvent[] = [
      catalogueEvent("shell.output", { stream: "stdout", text: "a" }),
      catalogueEvent("agent.status", { from: "idle", to: "busy", reason: null }),
      catalogueEvent("shell.output", { stream: "stderr", text: "b" }),
    ];
    const output = eventsOfType(events, "shell.output");
    expectTypeOf(output[0]!.payload.stream).toEqualTypeOf<"stdout" | "stderr">();
    expect(output.map((event) => event.payload.text)).toEqual(["a", "b"]);
  });
});
