import type { ChildProcess } from "node:child_process";
import { startTestPostgres, type TestPostgres } from "@rozet/db/testing";
import { findOrphans } from "@rozet/orchestrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, removeHome, startTestServer, type TestServer } from "./harness.ts";
import { startRunnerProcess } from "./runner-harness.ts";

const TOKEN = "runner-test-token-0123456789";
const LEASE_MS = 2_000;

function startRunner(url: string, name: string, args: string[] = []) {
  return startRunnerProcess({ serverUrl: url, token: TOKEN, name, args });
}

async function until<T>(check: () => T | Promise<T>, label: string, timeoutMs = 20_000, detail: () => string = () => ""): Promise<Exclude<T, false | null | undefined>> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined>;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label} ${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("remote runners (rozet runner, child processes) on a Postgres job queue", () => {
  let pg: TestPostgres;
  let server: TestServer;
  const runners: { child: ChildProcess; home: string; exited: Promise<string> }[] = [];

  beforeAll(async () => {
    pg = await startTestPostgres({ fsync: false });
    server = await startTestServer({ token: TOKEN, databaseUrl: pg.url, runnerLeaseMs: LEASE_MS });
  }, 60_000);
  afterAll(async () => {
    // The server first: its agents on runners stop by releasing their leases, not by waiting on runners.
    await server?.close();
    if (server) removeHome(server.home);
    for (const runner of runners) {
      if (runner.child.exitCode === null && runner.child.signalCode === null) runner.child.kill("SIGTERM");
      await runner.exited;
      removeHome(runner.home);
    }
    await pg?.stop();
  }, 60_000);

  it("an agent runs on runner A; A killed -9 mid-task: the agent is lost with the reason, its queued task runs on runner B, no process left", { timeout: 120_000 }, async () => {
    const { api, close } = clientFor(server.url, TOKEN);
    try {
      const a = await startRunner(server.url, "runner-a", ["--label", "gpu", "--max-agents", "1"]);
      runners.push(a);
      const session = await api.session.create.mutate({ name: "runners" });
      const agent = await api.agent.create.mutate({ sessionId: session.id, name: "on-a", driver: "shell", runnerLabel: "gpu" });
      await until(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", "agent idle on runner A");

      // A command runs on A's disk; its output reaches the timeline through the ingest, tied to the command.
      const command = await api.agent.command.mutate({ sessionId: session.id, agentId: agent.id, text: "echo ran-on-$ROZET_RUNNER_NAME in $(basename $(dirname $PWD))" });
      const done = await until(async () => (await api.agent.commands.query({ agentId: agent.id })).find((c) => c.id === command.id && c.status === "completed"), "command completed");
      expect(done.status).toBe("completed");
      const output = (await api.event.timeline.query({ sessionId: session.id, types: ["shell.output"] })).events;
      expect(output.map((e) => [e.summary, e.agentId, e.commandId])).toContainEqual(["stdout: ran-on-runner-a in workspaces", agent.id, command.id]);

      // A long task runs on the agent, a second waits behind it (queued, not started).
      const long = await api.task.create.mutate({ sessionId: session.id, title: "long", prompt: "sleep 60", agentId: agent.id });
      const queued = await api.task.create.mutate({
        sessionId: session.id,
        title: "queued",
        prompt: "echo second-on-$ROZET_RUNNER_NAME",
        agentId: agent.id,
        agentProfile: { driver: "shell", runnerLabel: "gpu" },
      });
      await until(async () => (await api.task.get.query({ id: long.id })).status === "running", "long task running");
      await until(async () => (await api.task.get.query({ id: queued.id })).status === "queued", "second task queued on the agent");
      const sleeping = await until(() => findOrphans(new Set([agent.id])).length > 0 && findOrphans(new Set([agent.id])), "the agent's sleep running");
      expect(sleeping.length).toBeGreaterThan(0);

      const b = await startRunner(server.url, "runner-b", ["--label", "gpu", "--max-agents", "1"]);
      runners.push(b);
      a.child.kill("SIGKILL");
      await a.exited;

      // The lease expires: the agent is lost, naming its runner; the running task fails, the queued one moves on.
      const lost = await until(async () => {
        const row = await api.agent.get.query({ id: agent.id });
        return row.status === "lost" && row;
      }, "agent lost", 20_000);
      expect(lost.lastError).toMatch(/^runner runner-a lost: no heartbeat since .* \(its 2 s lease expired\)$/);
      const lostEvent = await until(async () => {
        const { events } = await api.event.timeline.query({ sessionId: session.id, types: ["agent.status"], agentId: agent.id });
        return events.find((e) => e.status === "lost");
      }, "agent.status lost on the timeline");
      expect(lostEvent.summary).toMatch(/^busy → lost: runner runner-a lost/);
      await until(async () => (await api.task.get.query({ id: long.id })).status === "failed", "long task failed");

      const second = await until(async () => {
        const task = await api.task.get.query({ id: queued.id });
        return task.status === "completed" && task;
      }, "queued task completed elsewhere", 30_000);
      expect(second.agentId).not.toBe(agent.id);
      expect(second.result).toContain("second-on-runner-b");
      const requeued = (await api.event.timeline.query({ sessionId: session.id, types: ["task.requeued"] })).events;
      expect(requeued.map((e) => e.taskId)).toEqual([queued.id]);

      // Nothing of runner A's agent is left: its reaper killed the process group when A died.
      await until(() => findOrphans(new Set([agent.id])).length === 0, "runner A's agent processes gone", 10_000, () => JSON.stringify(findOrphans(new Set([agent.id]))));

      // Runner B stops cleanly: its agent's processes end with it.
      const onB = second.agentId!;
      b.child.kill("SIGTERM");
      expect(await b.exited).toBe("0");
      expect(findOrphans(new Set([onB]))).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe("runners without Postgres", () => {
  let server: TestServer;
  beforeAll(async () => {
    // SQLite on purpose, also in the Postgres pass of the suite.
    server = await startTestServer({ token: TOKEN, databaseUrl: null });
  });
  afterAll(async () => {
    await server.close();
    removeHome(server.home);
  });

  it("an agent asking for a runner label is refused (409 naming runnerLabel), nothing stored; a runner cannot register", async () => {
    const { api, close } = clientFor(server.url, TOKEN);
    try {
      const session = await api.session.create.mutate({ name: "no-runners" });
      await expect(api.agent.create.mutate({ sessionId: session.id, name: "x", driver: "shell", runnerLabel: "gpu" })).rejects.toMatchObject({
        data: { httpStatus: 409, domainCode: "ILLEGAL_STATE", details: { field: "runnerLabel" } },
      });
      expect(await api.agent.list.query({ sessionId: session.id })).toEqual([]);
      await expect(api.runner.register.mutate({ name: "r", maxAgents: 1 })).rejects.toThrow(/runners need the Postgres store/);
    } finally {
      await close();
    }
  });
});
