import { describe, expect, it } from "vitest";
import type { ControlUpdate } from "../src/api/types.ts";
import { applyRosterUpdate, type RosterAgent } from "../src/state/roster-reducer.ts";

function agent(id: string, fields: Partial<RosterAgent> = {}): RosterAgent {
  return { id, sessionId: "s1", name: `agent-${id}`, status: "idle", ...fields };
}

const update = (fields: Partial<ControlUpdate>): ControlUpdate => ({ entity: "agent", id: "a1", sessionId: "s1", action: "updated", ...fields });

describe("applyRosterUpdate", () => {
  it("adds a created agent that carries its row", () => {
    const result = applyRosterUpdate([agent("a1")], update({ id: "a2", action: "created", data: agent("a2") }), "s1");
    expect(result.agents.map((a) => a.id)).toEqual(["a1", "a2"]);
    expect(result.refetch).toBe(false);
  });

  it("replaces an updated agent in place", () => {
    const result = applyRosterUpdate([agent("a1"), agent("a2")], update({ data: agent("a1", { status: "busy" }) }), "s1");
    expect(result.agents.map((a) => [a.id, a.status])).toEqual([
      ["a1", "busy"],
      ["a2", "idle"],
    ]);
  });

  it("asks for a re-read when a new agent comes without its row", () => {
    const agents = [agent("a1")];
    const result = applyRosterUpdate(agents, update({ id: "a3", action: "created", status: "idle" }), "s1");
    expect(result).toEqual({ agents, refetch: true });
  });

  it("applies a bare status change to a known agent", () => {
    const result = applyRosterUpdate([agent("a1")], update({ status: "waiting-for-permission" }), "s1");
    expect(result.agents[0]!.status).toBe("waiting-for-permission");
    expect(result.refetch).toBe(false);
  });

  it("removes a deleted agent", () => {
    const result = applyRosterUpdate([agent("a1"), agent("a2")], update({ action: "deleted" }), "s1");
    expect(result.agents.map((a) => a.id)).toEqual(["a2"]);
  });

  it("ignores other sessions, other entities and rows that are not this agent", () => {
    const agents = [agent("a1")];
    expect(applyRosterUpdate(agents, update({ sessionId: "s2", data: agent("a1", { status: "busy" }) }), "s1").agents).toBe(agents);
    expect(applyRosterUpdate(agents, update({ entity: "task", data: {} }), "s1").agents).toBe(agents);
    const wrongRow = applyRosterUpdate(agents, update({ id: "a1", data: { id: "zzz" } }), "s1");
    expect(wrongRow.agents[0]).toBe(agents[0]);
  });
});
