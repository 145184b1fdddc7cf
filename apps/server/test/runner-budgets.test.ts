import { existsSync } from "node:fs";
import path from "node:path";
import { startTestPostgres, type TestPostgres } from "@rozet/db/testing";
import { startModelStub, type ModelStub } from "@rozet/model-stub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stubEnv, waitForAsync } from "./agent-harness.ts";
import { clientFor, removeHome, startTestServer, type TestServer } from "./harness.ts";
import { startRunnerProcess, type RunnerProcess } from "./runner-harness.ts";

/**
 * Budgets of agents hosted by a runner (`rozet runner`, a real child process on loopback; Postgres job queue):
 * crossed mid-turn, the turn is interrupted and the agent paused (or the task failed) exactly as for an agent the
 * server runs itself (permissions-budgets.test.ts), with the same events.
 */

const TOKEN = "runner-budget-token-0123456789";

/** Two model calls of 300 tokens each, then a closing text: a 500-token limit is crossed by the second call's usage, before its tool runs. */
const twoCostlyWrites = {
  steps: [
    { content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/one.txt", content: "1\n" } } }], usage: { input_tokens: 290, output_tokens: 10 } },
    { content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/two.txt", content: "2\n" } } }], usage: { input_tokens: 290, output_tokens: 10 } },
    { content: [{ text: "Wrote both." }] },
  ],
};

let pg: TestPostgres;
let server: TestServer;
let stub: ModelStub;
let client: ReturnType<typeof clientFor>;
let runner: RunnerProcess;

beforeAll(async () => {
  pg = await startTestPostgres({ fsync: false });
  stub = await startModelStub({ scenario: twoCostlyWrites });
  server = await startTestServer({ token: TOKEN, databaseUrl: pg.url, permissionTimeoutMs: 30_000 });
  client = clientFor(server.url, TOKEN);
  runner = await startRunnerProcess({ serverUrl: server.url, token: TOKEN, name: "budget-runner", args: ["--label", "budget", "--max-agents", "4"] });
}, 60_000);
afterAll(async () => {
  await client?.close();
  await server?.close();
  if (server) removeHome(server.home);
  if (runner) {
    if (runner.child.exitCode === null && runner.child.signalCode === null) runner.child.kill("SIGTERM");
    await runner.exited;
    removeHome(runner.home);
  }
  await stub?.close();
  await pg?.stop();
}, 60_000);

/** A Claude agent on the runner, against the model stub, with Write allowed by rule (only a budget can stop the second one). */
async function runnerClaude(name: string, budget: { budgetTokens?: number; budgetUsd?: number } = {}, scenario: Parameters<ModelStub["setScenario"]>[0] = twoCostlyWrites) {
  const { api } = client;
  const session = await api.session.create.mutate({ name });
  await api.permission.addRule.mutate({ sessionId: session.id, tool: "Write", action: "allow" });
  const agent = await api.agent.create.mutate({ sessionId: session.id, name: "claude", driver: "claude", runnerLabel: "budget", config: { env: stubEnv(stub.url) }, ...budget });
  await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 60_000, "runner agent idle");
  stub.setScenario(scenario);
  // The agent's folder is on the runner's disk.
  const workspace = path.join(runner.home, "workspaces", session.id);
  return { session, agent, workspace };
}

async function commandDone(agentId: string, commandId: string) {
  return waitForAsync(async () => (await client.api.agent.commands.query({ agentId })).find((c) => c.id === commandId && ["completed", "failed", "cancelled"].includes(c.status)), 60_000, `command ${commandId} done`);
}

async function agentStatus(agentId: string, status: string) {
  return waitForAsync(async () => {
    const agent = await client.api.agent.get.query({ id: agentId });
    return agent.status === status && agent;
  }, 30_000, `agent ${status}`);
}

describe("budgets of agents on a runner", () => {
  it("an agent's token limit stops the turn mid-stream: the command is cancelled with the budget reason, the second tool never runs, the agent paused", { timeout: 120_000 }, async () => {
    const { api } = client;
    const { session, agent, workspace } = await runnerClaude("runner-agent-budget", { budgetTokens: 500 });
    const command = await api.agent.command.mutate({ agentId: agent.id, text: "write both" });
    const done = await commandDone(agent.id, command.id);
    expect(done.status).toBe("cancelled");
    expect(done.error).toMatch(/^budget exceeded: \$[\d.]+ of \$∞, \d+ of 500 tokens$/);
    expect(existsSync(path.join(workspace, "one.txt"))).toBe(true);
    expect(existsSync(path.join(workspace, "two.txt"))).toBe(false);
    const paused = await agentStatus(agent.id, "paused");
    expect(paused.lastError ?? "").not.toMatch(/failed/);

    const { events } = await api.event.timeline.query({ sessionId: session.id, limit: 500 });
    expect(events.filter((e) => e.type === "tool.finished" && e.toolName === "Write" && e.status === "ok")).toHaveLength(1);
    expect(events.filter((e) => e.type === "budget.exceeded").map((e) => [e.status, e.agentId])).toEqual([["paused", agent.id]]);
    // The status event is written just after the row: wait for it, not for the row.
    const pausedEvent = await waitForAsync(async () => {
      const { events: statuses } = await api.event.timeline.query({ sessionId: session.id, types: ["agent.status"], agentId: agent.id });
      return statuses.find((e) => e.status === "paused");
    }, 10_000, "agent.status paused on the timeline");
    expect(pausedEvent.summary).toMatch(/budget exceeded/);

    // Raising the limit sets it back to work, as for a local agent.
    await api.agent.setBudget.mutate({ agentId: agent.id, tokens: 1_000_000 });
    await agentStatus(agent.id, "idle");
  });

  it("a turn that crosses the agent's USD limit only with its final usage completes truthfully, then the agent pauses", { timeout: 120_000 }, async () => {
    const { api } = client;
    const expensive = { steps: [{ content: [{ text: "expensive answer" }], usage: { input_tokens: 50_000, output_tokens: 2_000 } }] };
    const { session, agent } = await runnerClaude("runner-usd-budget", { budgetUsd: 0.0001 }, expensive);
    const command = await api.agent.command.mutate({ agentId: agent.id, text: "spend" });
    const done = await commandDone(agent.id, command.id);
    expect([done.status, done.result]).toEqual(["completed", "expensive answer"]);
    await agentStatus(agent.id, "paused");
    const { events } = await api.event.timeline.query({ sessionId: session.id, types: ["budget.exceeded"] });
    expect(events.map((e) => e.status)).toEqual(["paused"]);
    expect(events[0]!.summary).toMatch(/^budget exceeded: \$[\d.]+ of \$0\.0001, /);
  });

  it("usage is counted once: streamed figures and the turn's own usage event of a runner agent under its limit leave it idle", { timeout: 120_000 }, async () => {
    const { api } = client;
    // 600 tokens stream in, the turn's usage event says 600 more or less: counted twice it would cross 1,000.
    const { agent, workspace } = await runnerClaude("runner-under-budget", { budgetTokens: 1_000 });
    const command = await api.agent.command.mutate({ agentId: agent.id, text: "write both" });
    expect((await commandDone(agent.id, command.id)).status).toBe("completed");
    expect(existsSync(path.join(workspace, "two.txt"))).toBe(true);
    const row = await agentStatus(agent.id, "idle");
    expect(row.inputTokens + row.outputTokens).toBeGreaterThan(500);
    // A second turn of the same size crosses it: counted from the first turn's true total, not from nothing.
    stub.setScenario(twoCostlyWrites);
    const second = await api.agent.command.mutate({ agentId: agent.id, text: "write both again" });
    expect((await commandDone(agent.id, second.id)).status).toBe("cancelled");
    await agentStatus(agent.id, "paused");
  });

  it("a task's token limit on a runner agent interrupts its turn: the task fails with the reason, the agent stays idle", { timeout: 120_000 }, async () => {
    const { api } = client;
    const { session, agent, workspace } = await runnerClaude("runner-task-budget");
    const task = await api.task.create.mutate({ sessionId: session.id, title: "two writes", prompt: "write both", agentId: agent.id, budgetTokens: 500 });
    const done = await waitForAsync(async () => {
      const t = await api.task.get.query({ id: task.id });
      return ["completed", "failed", "cancelled"].includes(t.status) && t;
    }, 60_000, "task finished");
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/task budget exceeded/);
    expect(existsSync(path.join(workspace, "two.txt"))).toBe(false);
    const { events } = await api.event.timeline.query({ sessionId: session.id, types: ["budget.exceeded"] });
    expect(events.map((e) => [e.status, e.taskId])).toEqual([["task", task.id]]);
    await agentStatus(agent.id, "idle");
  });
});
