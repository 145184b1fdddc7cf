import { describe, expect, it } from "vitest";
import type { ControlUpdate } from "../src/api/types.ts";
import { COMMANDS_PER_AGENT, newCommandKey, reduceCommands, type CommandEntry, type CommandRow } from "../src/state/commands.ts";

const row = (fields: Partial<CommandRow> = {}): CommandRow => ({
  id: "c1",
  agentId: "a1",
  kind: "prompt",
  status: "accepted",
  error: null,
  result: null,
  idempotencyKey: "web-key-1",
  input: { text: "hello" },
  createdAt: "2026-01-01T00:00:00.000Z",
  ...fields,
});
const control = (data: CommandRow, action: ControlUpdate["action"] = "updated"): ControlUpdate => ({ entity: "command", id: data.id, sessionId: "s1", action, status: data.status, data });
const agents = new Set(["a1"]);
const sent = (key = "web-key-1"): CommandEntry[] => reduceCommands([], { type: "sent", key, agentId: "a1", kind: "prompt", text: "hello", at: 1 });

describe("reduceCommands", () => {
  it("shows a sent command at once as queued and pending", () => {
    expect(sent()).toEqual([expect.objectContaining({ key: "web-key-1", id: null, status: "queued", pending: true, text: "hello" })]);
  });

  it("moves it on with the server's answer and the control feed", () => {
    let list = reduceCommands(sent(), { type: "acknowledged", key: "web-key-1", command: row() });
    expect(list[0]).toMatchObject({ id: "c1", status: "accepted", pending: false });
    list = reduceCommands(list, { type: "control", update: control(row({ status: "running" })), agentIds: agents });
    list = reduceCommands(list, { type: "control", update: control(row({ status: "completed", result: "done" })), agentIds: agents });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: "completed", result: "done" });
  });

  it("matches a control update that arrives before the mutation's answer by idempotency key", () => {
    let list = reduceCommands(sent(), { type: "control", update: control(row({ status: "running" }), "created"), agentIds: agents });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: "c1", status: "running", pending: true });
    // The late answer ("accepted") must not move it backwards.
    list = reduceCommands(list, { type: "acknowledged", key: "web-key-1", command: row({ status: "accepted" }) });
    expect(list[0]).toMatchObject({ status: "running", pending: false });
  });

  it("rolls a refused command back", () => {
    expect(reduceCommands(sent(), { type: "rejected", key: "web-key-1" })).toEqual([]);
  });

  it("adds commands sent elsewhere for agents of this session only", () => {
    const other = row({ id: "c7", idempotencyKey: null, input: { text: "from a script" } });
    expect(reduceCommands([], { type: "control", update: control(other), agentIds: agents })[0]).toMatchObject({ key: "c7", text: "from a script" });
    expect(reduceCommands([], { type: "control", update: control(row({ agentId: "a9" })), agentIds: agents })).toEqual([]);
  });

  it("keeps a bounded history per agent, dropping the oldest finished ones", () => {
    let list: CommandEntry[] = [];
    for (let i = 0; i < COMMANDS_PER_AGENT + 5; i++) {
      list = reduceCommands(list, { type: "control", update: control(row({ id: `c${i}`, idempotencyKey: null, status: "completed" })), agentIds: agents });
    }
    expect(list).toHaveLength(COMMANDS_PER_AGENT);
    expect(list[0]!.id).toBe("c5");
  });

  it("fills in an agent's history from the server, in time order, without moving anything backwards", () => {
    const at = (minute: number) => `2026-01-01T00:0${minute}:00.000Z`;
    // Already known: a command the feed saw completing (newer than what the query read) and one sent just now.
    let list = reduceCommands([], { type: "control", update: control(row({ id: "c2", idempotencyKey: null, status: "completed", createdAt: at(2) })), agentIds: agents });
    list = reduceCommands(list, { type: "sent", key: "web-new", agentId: "a1", kind: "prompt", text: "newest", at: Date.parse(at(5)) });
    list = reduceCommands(list, {
      type: "loaded",
      agentId: "a1",
      rows: [
        row({ id: "c3", idempotencyKey: "web-new", status: "running", createdAt: at(5), input: { text: "newest" } }),
        row({ id: "c2", idempotencyKey: null, status: "running", createdAt: at(2) }),
        row({ id: "c1", idempotencyKey: null, status: "failed", error: "boom", createdAt: at(1), input: { text: "oldest" } }),
        row({ id: "c9", agentId: "a2", idempotencyKey: null, createdAt: at(3) }),
      ],
    });
    expect(list.map((e) => [e.id, e.status, e.pending])).toEqual([
      ["c1", "failed", false],
      ["c2", "completed", false],
      ["c3", "running", false],
    ]);
    expect(list[0]).toMatchObject({ text: "oldest", error: "boom" });
    // Loading the same again changes nothing.
    expect(reduceCommands(list, { type: "loaded", agentId: "a1", rows: [row({ id: "c1", idempotencyKey: null, status: "failed", error: "boom", createdAt: at(1) })] })).toEqual(list);
  });

  it("makes idempotency keys the API accepts", () => {
    expect(newCommandKey()).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
  });
});
