import { describe, expect, it } from "vitest";
import { clientFor, serverForFile, type TestServer } from "./harness.ts";

let server: TestServer;
let client: ReturnType<typeof clientFor>;
serverForFile((started, c) => {
  server = started;
  client = c;
});

const GHOST = "ghost-0000-id";

async function expectNotFound(name: string, call: () => Promise<unknown>, id = GHOST) {
  const error = (await call().then(
    () => null,
    (e: unknown) => e,
  )) as { message: string; data?: { code?: string; httpStatus?: number; stack?: string } } | null;
  expect(error, `${name} succeeded`).not.toBeNull();
  expect(error!.data?.code, `${name}: ${error!.message}`).toBe("NOT_FOUND");
  expect(error!.data?.httpStatus).toBe(404);
  expect(error!.message, name).toContain(id);
  expect(error!.data?.stack, name).toBeUndefined();
}

describe("every procedure taking an id answers 404 naming an unknown one", () => {
  it("sessions, agents, tasks, events and permissions", async () => {
    const api = client.api;
    const calls: [string, () => Promise<unknown>][] = [
      ["session.get", () => api.session.get.query({ id: GHOST })],
      ["session.archive", () => api.session.archive.mutate({ id: GHOST })],
      ["session.delete", () => api.session.delete.mutate({ id: GHOST })],
      ["session.metrics", () => api.session.metrics.query({ id: GHOST })],
      ["agent.create", () => api.agent.create.mutate({ sessionId: GHOST, name: "a", driver: "shell" })],
      ["agent.list", () => api.agent.list.query({ sessionId: GHOST })],
      ["agent.get", () => api.agent.get.query({ id: GHOST })],
      ["agent.command", () => api.agent.command.mutate({ agentId: GHOST, text: "echo hi" })],
      ["agent.commands", () => api.agent.commands.query({ agentId: GHOST })],
      ["agent.interrupt", () => api.agent.interrupt.mutate({ agentId: GHOST })],
      ["agent.stop", () => api.agent.stop.mutate({ agentId: GHOST })],
      ["agent.resume", () => api.agent.resume.mutate({ id: GHOST })],
      ["agent.setMode", () => api.agent.setMode.mutate({ agentId: GHOST, mode: "plan" })],
      ["agent.setBudget", () => api.agent.setBudget.mutate({ agentId: GHOST, usd: 1, tokens: null })],
      ["agent.respondPermission", () => api.agent.respondPermission.mutate({ requestId: GHOST, answer: { behavior: "deny" } })],
      ["task.create", () => api.task.create.mutate({ sessionId: GHOST, title: "t", prompt: "p" })],
      ["task.list", () => api.task.list.query({ sessionId: GHOST })],
      ["task.get", () => api.task.get.query({ id: GHOST })],
      ["task.cancel", () => api.task.cancel.mutate({ id: GHOST })],
      ["task.resolveConflict", () => api.task.resolveConflict.mutate({ id: GHOST, resolution: "resolved" })],
      ["task.addArtifact", () => api.task.addArtifact.mutate({ id: GHOST, name: "a", path: "a.txt" })],
      ["event.timeline", () => api.event.timeline.query({ sessionId: GHOST })],
      ["event.histogram", () => api.event.histogram.query({ sessionId: GHOST })],
      ["event.window", () => api.event.window.query({ sessionId: GHOST })],
      ["event.get", () => api.event.get.query({ seq: 987_654 }), "987654"],
      ["permission.list", () => api.permission.list.query({ sessionId: GHOST })],
      ["permission.rules", () => api.permission.rules.query({ sessionId: GHOST })],
      ["permission.addRule", () => api.permission.addRule.mutate({ sessionId: GHOST, tool: "Bash", action: "allow" })],
      ["permission.deleteRule", () => api.permission.deleteRule.mutate({ id: GHOST })],
    ].map(([name, call, id]) => [name as string, async () => expectNotFound(name as string, call as () => Promise<unknown>, (id as string | undefined) ?? GHOST)]);
    const failures: string[] = [];
    for (const [name, check] of calls) {
      try {
        await check();
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("ids inside a valid request: a timeline's agent is a 404, a new task's references a 400 naming the id", async () => {
    const session = await client.api.session.create.mutate({ name: "ids" });
    await expectNotFound("event.timeline agentId", () => client.api.event.timeline.query({ sessionId: session.id, agentId: GHOST }));
    // Referencing an id that is not in this session is a bad field of the new task (it may exist elsewhere).
    for (const input of [{ agentId: GHOST }, { parentId: GHOST }, { dependsOn: [GHOST] }]) {
      await expect(client.api.task.create.mutate({ sessionId: session.id, title: "t", prompt: "p", ...input })).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
        message: expect.stringContaining(GHOST),
      });
    }
  });

  it("permission.addRule on a session that does not exist stores nothing", async () => {
    await expect(client.api.permission.addRule.mutate({ sessionId: GHOST, tool: "Bash", action: "allow" })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    const rules = await server.room.prisma.permissionRule.findMany({ where: { sessionId: GHOST } });
    expect(rules).toEqual([]);
  });
});
