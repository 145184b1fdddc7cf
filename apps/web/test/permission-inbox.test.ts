import { describe, expect, it } from "vitest";
import type { ControlUpdate } from "../src/api/types.ts";
import { applyPermissionUpdate, withoutRequest, type InboxItem } from "../src/state/permission-inbox.ts";

const row = (id: string, fields: Partial<InboxItem> = {}): InboxItem => ({ id, sessionId: "s1", status: "pending", createdAt: `2026-01-01T00:00:0${id.slice(-1)}.000Z`, ...fields });
const update = (fields: Partial<ControlUpdate>): ControlUpdate => ({ entity: "permission", id: "p1", sessionId: "s1", action: "created", ...fields });

describe("applyPermissionUpdate", () => {
  it("adds a new pending request, oldest first, and reports it as added", () => {
    const result = applyPermissionUpdate([row("p2")], update({ id: "p1", status: "pending", data: row("p1") }));
    expect(result.pending.map((p) => p.id)).toEqual(["p1", "p2"]);
    expect(result.added?.id).toBe("p1");
    expect(result.refetch).toBe(false);
  });

  it("does not report a repeated pending update (reconnect replay) as added", () => {
    const result = applyPermissionUpdate([row("p1")], update({ status: "pending", data: row("p1") }));
    expect(result.added).toBeNull();
    expect(result.pending).toHaveLength(1);
  });

  it("removes an answered, timed-out or cancelled request, with or without its row", () => {
    for (const status of ["allowed", "denied", "timed_out", "cancelled"] as const) {
      expect(applyPermissionUpdate([row("p1"), row("p2")], update({ action: "updated", status, data: row("p1", { status }) })).pending.map((p) => p.id)).toEqual(["p2"]);
    }
    expect(applyPermissionUpdate([row("p1")], update({ action: "updated", status: "denied" })).pending).toEqual([]);
  });

  it("asks for a re-read when a pending request comes without its row", () => {
    const pending = [row("p2")];
    expect(applyPermissionUpdate(pending, update({ id: "p9", status: "pending" }))).toEqual({ pending, added: null, refetch: true });
  });

  it("drops a deleted session's requests and ignores other entities", () => {
    const pending = [row("p1"), row("p2", { sessionId: "s2" })];
    expect(applyPermissionUpdate(pending, { entity: "session", id: "s2", sessionId: "s2", action: "deleted" }).pending.map((p) => p.id)).toEqual(["p1"]);
    expect(applyPermissionUpdate(pending, { entity: "agent", id: "a1", sessionId: "s1", action: "updated", status: "busy" }).pending).toBe(pending);
  });

  it("withoutRequest removes an answered request optimistically", () => {
    expect(withoutRequest([row("p1"), row("p2")], "p1").map((p) => p.id)).toEqual(["p2"]);
  });
});
