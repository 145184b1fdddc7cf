import type { ScenarioInput } from "@rozet/model-stub";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";

let world: Awaited<ReturnType<typeof startAgentWorld>> | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const twoWrites = {
  steps: [
    { content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/one.txt", content: "1\n" } } }] },
    { content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/two.txt", content: "2\n" } } }] },
    { content: [{ text: "Wrote both." }] },
  ],
};

async function startClaude(scenario: ScenarioInput, overrides: Parameters<typeof startAgentWorld>[1] = {}, agentExtra: Record<string, unknown> = {}) {
  world = await startAgentWorld(scenario, overrides);
  const session = await world.api.session.create.mutate({ name: "perms" });
  const agent = await world.api.agent.create.mutate({ sessionId: session.id, name: "claude", driver: "claude", config: { env: stubEnv(world.stub.url) }, ...agentExtra });
  await world.agentInStatus(agent.id, "idle");
  return { session, agent, w: world };
}

describe("permission broker", () => {
  it("answers by rule (deny beats allow) and records which rule answered", async () => {
    const { session, agent, w } = await startClaude(twoWrites);
    await w.api.permission.addRule.mutate({ sessionId: session.id, tool: "Write", action: "allow" });
    const deny = await w.api.permission.addRule.mutate({ sessionId: session.id, tool: "Write", pattern: "*two.txt", action: "deny" });
    expect(await w.api.permission.rules.query({ sessionId: session.id })).toHaveLength(2);
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "write both" });
    expect((await w.commandDone(command.id)).status).toBe("completed");
    expect(existsSync(path.join(session.workspaceRoot!, "one.txt"))).toBe(true);
    expect(existsSync(path.join(session.workspaceRoot!, "two.txt"))).toBe(false);
    const audit = await w.api.permission.list.query({ sessionId: session.id, limit: 10 });
    expect(audit.map((p) => [p.status, p.answeredBy?.split(":")[0]]).sort()).toEqual([["allowed", "rule"], ["denied", "rule"]]);
    expect(audit.find((p) => p.status === "denied")!.answeredBy).toBe(`rule:${deny.id}`);
    // Rule answers never reached the operator's inbox.
    expect(await w.api.permission.list.query({ status: "pending", limit: 10 })).toEqual([]);
  });

  it("takes an answer given the instant the request is announced, and the agent goes on", async () => {
    const { session, agent, w } = await startClaude({ steps: [twoWrites.steps[0]!, { content: [{ text: "ok" }] }] });
    const room = w.server.room;
    const answers: Promise<unknown>[] = [];
    // Answered in-process from the control feed itself, before the request's timeline event is even stored: the
    // earliest anyone (a page, a script) can know of the request.
    const stop = room.bus.subscribe("control", ({ update }) => {
      if (update.entity === "permission" && update.action === "created") {
        answers.push(room.permissions.respond({ id: update.id, answer: { behavior: "allow" } }));
      }
    });
    try {
      const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "write one" });
      expect((await w.commandDone(command.id)).status).toBe("completed");
      expect(answers).toHaveLength(1);
      await expect(answers[0]).resolves.toMatchObject({ status: "allowed", answeredBy: "operator" });
      expect(existsSync(path.join(session.workspaceRoot!, "one.txt"))).toBe(true);
      expect((await w.api.agent.get.query({ id: agent.id })).status).toBe("idle");
    } finally {
      stop();
    }
  });

  it("allow-for-session answers the next request of that tool without asking", async () => {
    const { session, agent, w } = await startClaude(twoWrites);
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "write both" });
    const first = await w.pendingPermission(session.id);
    await w.api.agent.respondPermission.mutate({ requestId: first.id, answer: { behavior: "allow", forSession: true } });
    expect((await w.commandDone(command.id)).status).toBe("completed");
    expect(existsSync(path.join(session.workspaceRoot!, "two.txt"))).toBe(true);
    const audit = await w.api.permission.list.query({ sessionId: session.id, limit: 10 });
    expect(audit.map((p) => p.answeredBy?.split(":")[0]).sort()).toEqual(["rule", "token"]);
  });

  it("allow with edited input runs the tool with the operator's input", async () => {
    const { session, agent, w } = await startClaude({ steps: [twoWrites.steps[0]!, { content: [{ text: "ok" }] }] });
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "write one" });
    const request = await w.pendingPermission(session.id);
    const edited = { ...request.input, content: "edited by operator\n" };
    await w.api.agent.respondPermission.mutate({ requestId: request.id, answer: { behavior: "allow", updatedInput: edited } });
    expect((await w.commandDone(command.id)).status).toBe("completed");
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(path.join(session.workspaceRoot!, "one.txt"), "utf8")).toBe("edited by operator\n");
    // Answering twice is refused with the reason.
    await expect(w.api.agent.respondPermission.mutate({ requestId: request.id, answer: { behavior: "deny" } })).rejects.toMatchObject({
      data: { domainCode: "ILLEGAL_STATE" },
    });
  });

  it("an unanswered request times out to deny", async () => {
    const { session, agent, w } = await startClaude({ steps: [twoWrites.steps[0]!, { content: [{ text: "gave up" }] }] }, { permissionTimeoutMs: 1_500 });
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "write one" });
    expect((await w.commandDone(command.id)).status).toBe("completed");
    expect(existsSync(path.join(session.workspaceRoot!, "one.txt"))).toBe(false);
    const [request] = await w.api.permission.list.query({ sessionId: session.id, limit: 1 });
    expect(request).toMatchObject({ status: "timed_out", answeredBy: "timeout" });
    const answered = (await w.timeline(session.id)).find((e) => e.type === "permission.answered");
    expect(answered?.summary).toContain("timed_out by timeout");
  });
});

describe("budgets", () => {
  it("interrupts the agent at its USD limit, pauses it, and resumes when the limit is raised", async () => {
    const slowSteps = { steps: [{ content: [{ text: "expensive answer" }], usage: { input_tokens: 50_000, output_tokens: 2_000 } }, { content: [{ text: "second" }] }] };
    const { session, agent, w } = await startClaude(slowSteps, {}, { budgetUsd: 0.0001 });
    const first = await w.api.agent.command.mutate({ agentId: agent.id, text: "spend" });
    await w.commandDone(first.id);
    await w.agentInStatus(agent.id, "paused", 10_000);
    const exceeded = (await w.timeline(session.id)).find((e) => e.type === "budget.exceeded");
    expect(exceeded?.summary).toMatch(/budget exceeded/);
    // Queued while paused: waits.
    const second = await w.api.agent.command.mutate({ agentId: agent.id, text: "more" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await w.server.room.prisma.command.findUniqueOrThrow({ where: { id: second.id } })).status).toBe("accepted");
    const raised = await w.api.agent.setBudget.mutate({ agentId: agent.id, usd: 100, tokens: null });
    expect(raised.budgetUsd).toBe(100);
    expect((await w.commandDone(second.id)).status).toBe("completed");
    await w.agentInStatus(agent.id, "idle");
  });
});

describe("budgets while the turn streams", () => {
  // Two model calls of 300 tokens each, then a closing text: a 500-token limit is crossed by the second call's
  // usage, which arrives before its tool runs.
  const twoCostlyWrites = {
    steps: [
      { ...twoWrites.steps[0]!, usage: { input_tokens: 290, output_tokens: 10 } },
      { ...twoWrites.steps[1]!, usage: { input_tokens: 290, output_tokens: 10 } },
      { content: [{ text: "Wrote both." }] },
    ],
  };

  it("a task's token limit interrupts the turn as soon as streamed usage crosses it: the second tool never runs", async () => {
    const { session, agent, w } = await startClaude(twoCostlyWrites);
    await w.api.permission.addRule.mutate({ sessionId: session.id, tool: "Write", action: "allow" });
    const task = await w.api.task.create.mutate({ sessionId: session.id, title: "two writes", prompt: "write both", agentId: agent.id, budgetTokens: 500 });
    const done = await waitForAsync(async () => {
      const t = await w.api.task.get.query({ id: task.id });
      return ["completed", "failed", "cancelled"].includes(t.status) ? t : undefined;
    }, 60_000, "task finished");
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/task budget exceeded/);
    expect(existsSync(path.join(session.workspaceRoot!, "one.txt"))).toBe(true);
    expect(existsSync(path.join(session.workspaceRoot!, "two.txt"))).toBe(false);
    const events = await w.timeline(session.id);
    const writes = events.filter((e) => e.type === "tool.finished" && e.toolName === "Write" && e.status === "ok");
    expect(writes).toHaveLength(1);
    expect(events.find((e) => e.type === "budget.exceeded")?.status).toBe("task");
    await w.agentInStatus(agent.id, "idle");
  });

  it("an agent's token limit stops the turn mid-stream: the command is cancelled with the budget reason and the agent paused", async () => {
    const { session, agent, w } = await startClaude(twoCostlyWrites, {}, { budgetTokens: 500 });
    await w.api.permission.addRule.mutate({ sessionId: session.id, tool: "Write", action: "allow" });
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "write both" });
    const done = await w.commandDone(command.id);
    expect(done.status).toBe("cancelled");
    expect(done.error).toMatch(/budget exceeded/);
    expect(existsSync(path.join(session.workspaceRoot!, "one.txt"))).toBe(true);
    expect(existsSync(path.join(session.workspaceRoot!, "two.txt"))).toBe(false);
    await w.agentInStatus(agent.id, "paused", 10_000);
  });

  it("a turn that crosses the agent's limit only with its final usage completes truthfully, then the agent pauses", async () => {
    const { agent, w } = await startClaude({ steps: [{ content: [{ text: "done" }], usage: { input_tokens: 900, output_tokens: 10 } }] }, {}, { budgetTokens: 500 });
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "one answer" });
    const done = await w.commandDone(command.id);
    expect([done.status, done.result]).toEqual(["completed", "done"]);
    await w.agentInStatus(agent.id, "paused", 10_000);
  });

  it("setBudget changes one limit and keeps the other; null removes a limit explicitly", async () => {
    const { agent, w } = await startClaude({ steps: [] }, {}, { budgetUsd: 5, budgetTokens: 1_000 });
    expect(await w.api.agent.setBudget.mutate({ agentId: agent.id, tokens: 2_000 })).toMatchObject({ budgetUsd: 5, budgetTokens: 2_000 });
    expect(await w.api.agent.setBudget.mutate({ agentId: agent.id, usd: null })).toMatchObject({ budgetUsd: null, budgetTokens: 2_000 });
    await expect(w.api.agent.setBudget.mutate({ agentId: agent.id })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    expect(await w.api.agent.get.query({ id: agent.id })).toMatchObject({ budgetUsd: null, budgetTokens: 2_000 });
  });
});

describe("commands", () => {
  it("queues prompts to a busy agent and runs them in order", async () => {
    const { agent, w } = await startClaude({
      steps: [
        { match: { lastUserTextIncludes: "alpha" }, content: [{ text: "alpha done" }], chunkDelayMs: 100 },
        { match: { lastUserTextIncludes: "beta" }, content: [{ text: "beta done" }] },
        { match: { lastUserTextIncludes: "gamma" }, content: [{ text: "gamma done" }] },
      ],
    });
    const commands = [];
    for (const word of ["alpha", "beta", "gamma"]) commands.push(await w.api.agent.command.mutate({ agentId: agent.id, text: word }));
    expect(commands.map((c) => c.status)).toEqual(["accepted", "accepted", "accepted"]);
    const done = await Promise.all(commands.map((c) => w.commandDone(c.id)));
    expect(done.map((c) => c.status)).toEqual(["completed", "completed", "completed"]);
    expect(done.map((c) => c.result)).toEqual(["alpha done", "beta done", "gamma done"]);
    const started = done.map((c) => c.startedAt!.getTime());
    expect([...started].sort((a, b) => a - b)).toEqual(started);
    expect(done[1]!.startedAt!.getTime()).toBeGreaterThanOrEqual(done[0]!.finishedAt!.getTime());
  });

  it("refuses bad command input with field errors and runs nothing", async () => {
    const { agent, w } = await startClaude({ steps: [] });
    await expect(w.api.agent.command.mutate({ agentId: agent.id, text: "" })).rejects.toMatchObject({ data: { code: "BAD_REQUEST", fieldErrors: { text: [expect.any(String)] } } });
    await expect(w.api.agent.command.mutate({ agentId: agent.id, text: "x", idempotencyKey: "bad key!" })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    await expect(w.api.agent.command.mutate({ agentId: "missing", text: "x" })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect(await w.server.room.prisma.command.count()).toBe(0);
  });
});
