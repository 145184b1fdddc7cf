import { afterEach, describe, expect, it } from "vitest";
import { PermissionBroker } from "../src/runtime/permission-broker.ts";
import { openUnitStores, seedAgent, seedSession, timeline, waitFor, type UnitStores } from "./unit-harness.ts";

describe("PermissionBroker (unit: real SQLite)", () => {
  let stores: UnitStores;
  afterEach(async () => {
    await stores.close();
  });

  async function brokerFor(opts: { timeoutMs?: number; now?: () => number } = {}) {
    stores = await openUnitStores();
    const session = await seedSession(stores);
    const agent = await seedAgent(stores, session.id, { status: "busy" });
    const broker = new PermissionBroker({ ...stores, timeoutMs: opts.timeoutMs ?? 60_000, ...(opts.now ? { now: opts.now } : {}) });
    let waiting = 0;
    const ask = (toolName: string, input: Record<string, unknown>, signal = new AbortController().signal) =>
      broker.request({ sessionId: session.id, agentId: agent.id, commandId: null, request: { toolName, input }, signal, onWaiting: () => void (waiting += 1) });
    const pendingIds = async () => (await broker.list({ sessionId: session.id, status: "pending", limit: 50 })).map((p) => p.id);
    return { broker, session, agent, ask, pendingIds, waitingCalls: () => waiting };
  }

  it("rules answer first: an allow or deny rule decides at once, stored as answered by the rule, the operator never asked", async () => {
    const { broker, session, ask, waitingCalls } = await brokerFor();
    const allow = await broker.addRule({ sessionId: session.id, tool: "Read", pattern: null, action: "allow" });
    const deny = await broker.addRule({ sessionId: session.id, tool: "Bash", pattern: null, action: "deny" });
    expect(await ask("Read", { file_path: "a.txt" })).toEqual({ behavior: "allow", updatedInput: { file_path: "a.txt" } });
    expect(await ask("Bash", { command: "rm -rf /" })).toEqual({ behavior: "deny", message: "denied by rule Bash *" });
    expect(waitingCalls()).toBe(0);
    const rows = await broker.list({ sessionId: session.id, limit: 10 });
    expect(rows.map((r) => [r.toolName, r.status, r.answeredBy]).sort()).toEqual([
      ["Bash", "denied", `rule:${deny.id}`],
      ["Read", "allowed", `rule:${allow.id}`],
    ]);
    expect((await timeline(stores, session.id)).filter((e) => e.type === "permission.requested")).toEqual([]);
    // The timeline names the rule by what it says, not by its id.
    expect((await timeline(stores, session.id)).filter((e) => e.type === "permission.answered").map((e) => e.summary).sort()).toEqual([
      "Bash: denied by rule “deny Bash”",
      "Read: allowed by rule “allow Read”",
    ]);
  });

  it("the agent is waiting before the request is announced: whoever sees it pending sees the agent waiting", async () => {
    stores = await openUnitStores();
    const session = await seedSession(stores);
    const agent = await seedAgent(stores, session.id, { status: "busy" });
    const broker = new PermissionBroker({ ...stores, timeoutMs: 60_000 });
    let agentWaiting = false;
    const seenWhenAnnounced: boolean[] = [];
    const unsubscribe = stores.bus.subscribe("control", (entry) => {
      if (entry.update.entity === "permission" && entry.update.action === "created") seenWhenAnnounced.push(agentWaiting);
    });
    const decision = broker.request({
      sessionId: session.id,
      agentId: agent.id,
      commandId: null,
      request: { toolName: "Write", input: { file_path: "a.txt" } },
      signal: new AbortController().signal,
      // A status change that takes a while to store (a busy database).
      onWaiting: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        agentWaiting = true;
      },
    });
    const [id] = await waitFor(async () => {
      const pending = await broker.list({ sessionId: session.id, status: "pending", limit: 5 });
      return seenWhenAnnounced.length > 0 ? pending.map((p) => p.id) : null;
    }, "request announced");
    expect(seenWhenAnnounced).toEqual([true]);
    await broker.respond({ id: id!, answer: { behavior: "allow" } });
    expect(await decision).toMatchObject({ behavior: "allow" });
    unsubscribe();
  });

  it("an unanswered request is denied at the timeout (timed_out, by timeout); its expiry is stamped from the clock", async () => {
    const clock = Date.parse("2026-01-01T00:00:00Z");
    const { broker, session, ask, waitingCalls } = await brokerFor({ timeoutMs: 60, now: () => clock });
    const decision = await ask("Bash", { command: "ls" });
    expect(decision).toEqual({ behavior: "deny", message: "no answer within 0 s" });
    expect(waitingCalls()).toBe(1);
    const [row] = await broker.list({ sessionId: session.id, limit: 10 });
    expect(row).toMatchObject({ status: "timed_out", answeredBy: "timeout" });
    const stored = await stores.prisma.permissionRequest.findUniqueOrThrow({ where: { id: row!.id } });
    expect(stored.expiresAt?.getTime()).toBe(clock + 60);
    const events = (await timeline(stores, session.id)).filter((e) => e.type.startsWith("permission."));
    expect(events.map((e) => [e.type, e.status])).toEqual([
      ["permission.requested", "pending"],
      ["permission.answered", "timed_out"],
    ]);
  });

  it("a request the agent withdraws (its signal aborts) is denied and cancelled; an answer after that is refused", async () => {
    const { broker, ask, pendingIds } = await brokerFor();
    const abort = new AbortController();
    const decision = ask("Edit", { file_path: "x" }, abort.signal);
    const [id] = await waitFor(async () => ((await pendingIds()).length === 1 ? pendingIds() : null), "request pending");
    abort.abort();
    expect(await decision).toEqual({ behavior: "deny", message: "request withdrawn" });
    expect(await broker.get(id!)).toMatchObject({ status: "cancelled", answeredBy: "agent" });
    await expect(broker.respond({ id: id!, answer: { behavior: "allow" } })).rejects.toMatchObject({ code: "ILLEGAL_STATE", message: expect.stringContaining("already cancelled") });
  });

  it("answers once: the first answer decides, a second is ILLEGAL_STATE naming who answered, an unknown id is NOT_FOUND", async () => {
    const { broker, ask, pendingIds } = await brokerFor();
    const decision = ask("Bash", { command: "make" });
    const [id] = await waitFor(async () => ((await pendingIds()).length === 1 ? pendingIds() : null), "request pending");
    const answered = await broker.respond({ id: id!, answer: { behavior: "deny", message: "not now", interrupt: true }, answeredBy: "alice" });
    expect(answered).toMatchObject({ status: "denied", answeredBy: "alice" });
    expect(await decision).toEqual({ behavior: "deny", message: "not now", interrupt: true });
    await expect(broker.respond({ id: id!, answer: { behavior: "allow" } })).rejects.toMatchObject({ code: "ILLEGAL_STATE", message: expect.stringContaining("already denied (by alice)") });
    await expect(broker.respond({ id: "nope", answer: { behavior: "allow" } })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("allow for the session adds a rule: the next request for that tool is allowed without asking", async () => {
    const { broker, ask, pendingIds, waitingCalls, session } = await brokerFor();
    const first = ask("Write", { file_path: "a" });
    const [id] = await waitFor(async () => ((await pendingIds()).length === 1 ? pendingIds() : null), "request pending");
    await broker.respond({ id: id!, answer: { behavior: "allow", forSession: true } });
    expect(await first).toEqual({ behavior: "allow", updatedInput: { file_path: "a" } });
    expect(await ask("Write", { file_path: "b" })).toEqual({ behavior: "allow", updatedInput: { file_path: "b" } });
    expect(waitingCalls()).toBe(1);
    expect(await broker.rules(session.id)).toEqual([expect.objectContaining({ tool: "Write", action: "allow", createdBy: `allow-for-session:${id}` })]);
  });

  it("closeOrphans cancels what a previous process left pending (answered by restart)", async () => {
    const { broker, session, agent } = await brokerFor();
    await stores.prisma.permissionRequest.create({ data: { id: "left-over", sessionId: session.id, agentId: agent.id, toolName: "Bash", input: "{}", expiresAt: new Date() } });
    await broker.closeOrphans();
    expect(await broker.get("left-over")).toMatchObject({ status: "cancelled", answeredBy: "restart" });
  });
});
