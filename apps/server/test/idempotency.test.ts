import { describe, expect, it } from "vitest";
import { serverForFile, type TestServer } from "./harness.ts";
import { waitForAsync } from "./agent-harness.ts";
import type { createRozetClient } from "@rozet/api/client";

let server: TestServer;
let api: ReturnType<typeof createRozetClient>["api"];
serverForFile((started, client) => {
  server = started;
  api = client.api;
});

async function shellAgent(sessionId: string, name: string) {
  const agent = await api.agent.create.mutate({ sessionId, name, driver: "shell" });
  await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, `${name} idle`);
  return agent;
}

const finished = (id: string) =>
  waitForAsync(async () => {
    const row = await server.room.prisma.command.findUnique({ where: { id } });
    return row && ["completed", "failed", "cancelled"].includes(row.status) ? row : undefined;
  }, 20_000, `command ${id} finished`);

describe("idempotency keys are scoped to an agent and a kind of command", () => {
  it("the same key on two agents runs both commands, each on its own agent", async () => {
    const session = await api.session.create.mutate({ name: "keys across agents" });
    const [a, b] = [await shellAgent(session.id, "a"), await shellAgent(session.id, "b")];
    const first = await api.agent.command.mutate({ agentId: a.id, text: "echo from-a", idempotencyKey: "deploy-0001" });
    const second = await api.agent.command.mutate({ agentId: b.id, text: "echo from-b", idempotencyKey: "deploy-0001" });
    expect(second.id).not.toBe(first.id);
    expect(second.agentId).toBe(b.id);
    expect((await finished(second.id)).result).toContain("from-b");
    expect((await api.agent.commands.query({ agentId: b.id })).map((c) => c.input.text)).toEqual(["echo from-b"]);
  });

  it("a prompt's key reused for an interrupt still interrupts", async () => {
    const session = await api.session.create.mutate({ name: "keys across kinds" });
    const agent = await shellAgent(session.id, "sleeper");
    const prompt = await api.agent.command.mutate({ agentId: agent.id, text: "sleep 30", idempotencyKey: "step-0002" });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "busy", 10_000, "busy");
    const interrupt = await api.agent.interrupt.mutate({ agentId: agent.id, idempotencyKey: "step-0002" });
    expect(interrupt.kind).toBe("interrupt");
    expect(interrupt.id).not.toBe(prompt.id);
    expect((await finished(prompt.id)).status).toBe("cancelled");
  });

  it("an identical retry returns the first command and runs nothing new", async () => {
    const session = await api.session.create.mutate({ name: "retry" });
    const agent = await shellAgent(session.id, "retry");
    const first = await api.agent.command.mutate({ agentId: agent.id, text: "echo once", idempotencyKey: "retry-0003" });
    const again = await api.agent.command.mutate({ agentId: agent.id, text: "echo once", idempotencyKey: "retry-0003" });
    expect(again.id).toBe(first.id);
    await finished(first.id);
    expect(await api.agent.commands.query({ agentId: agent.id })).toHaveLength(1);
  });

  it("identical requests sent at once make one command", async () => {
    const session = await api.session.create.mutate({ name: "burst" });
    const agent = await shellAgent(session.id, "burst");
    const all = await Promise.all(Array.from({ length: 5 }, () => api.agent.command.mutate({ agentId: agent.id, text: "echo burst", idempotencyKey: "burst-0005" })));
    expect(new Set(all.map((c) => c.id)).size).toBe(1);
    await finished(all[0]!.id);
    expect(await api.agent.commands.query({ agentId: agent.id })).toHaveLength(1);
  });

  it("the same key with different input is a 409 naming idempotencyKey, and stores nothing", async () => {
    const session = await api.session.create.mutate({ name: "conflict" });
    const agent = await shellAgent(session.id, "conflict");
    const first = await api.agent.command.mutate({ agentId: agent.id, text: "echo first", idempotencyKey: "clash-0004" });
    await expect(api.agent.command.mutate({ agentId: agent.id, text: "echo other", idempotencyKey: "clash-0004" })).rejects.toMatchObject({
      data: { code: "CONFLICT", httpStatus: 409, domainCode: "CONFLICT", details: { field: "idempotencyKey", commandId: first.id } },
    });
    await finished(first.id);
    expect((await api.agent.commands.query({ agentId: agent.id })).map((c) => c.input.text)).toEqual(["echo first"]);
  });
});
