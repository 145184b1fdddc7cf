import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clientFor, removeHome, startTestServer, tempHome, waitFor, type TestServer } from "./harness.ts";
import { startServerProcess, stopServerProcess, type ServerProcess } from "./server-process.ts";
import { waitForAsync } from "./agent-harness.ts";

/**
 * Closes the database without the runtime's shutdown, as a crash would, and starts a server on the same home. A crash
 * ends every connection of the process, the one holding its agent leases too (Postgres: advisory locks), so the next
 * server finds the agents held by nobody; a live lease would mean another replica still runs them (replicas.test.ts).
 */
async function crashAndStartAgain(first: TestServer) {
  await first.room.writer.flushNow();
  await first.room.leases.close();
  await first.room.database.close();
  return startTestServer({ home: first.home });
}

describe("server restart with agents left running", () => {
  it("marks them lost with the reason, fails their unfinished commands and lets them resume", async () => {
    const first = await startTestServer();
    const { api, close } = clientFor(first.url);
    const session = await api.session.create.mutate({ name: "restart" });
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
    await close();
    // What a crash leaves behind: the row says busy, a command is still running, a permission still pending.
    await first.room.prisma.agent.update({ where: { id: agent.id }, data: { status: "busy" } });
    const command = await first.room.prisma.command.create({ data: { id: "cmd-left-running", agentId: agent.id, kind: "prompt", status: "running" } });
    await first.room.prisma.permissionRequest.create({
      data: { id: "perm-left-pending", sessionId: session.id, agentId: agent.id, toolName: "Bash", input: "{}", expiresAt: new Date(Date.now() + 60_000) },
    });
    const second = await crashAndStartAgain(first);
    const client = clientFor(second.url);
    try {
      const lost = await client.api.agent.get.query({ id: agent.id });
      expect(lost).toMatchObject({ status: "lost", lastError: "server restarted while the agent was busy" });
      expect(await second.room.prisma.command.findUniqueOrThrow({ where: { id: command.id } })).toMatchObject({ status: "failed", error: "server restarted before the command finished" });
      expect((await client.api.permission.list.query({ sessionId: session.id, limit: 5 }))[0]).toMatchObject({ status: "cancelled", answeredBy: "restart" });
      await expect(client.api.agent.command.mutate({ agentId: agent.id, text: "echo hi" })).rejects.toMatchObject({ data: { domainCode: "ILLEGAL_STATE" } });
      const resumed = await client.api.agent.resume.mutate({ id: agent.id });
      expect(resumed.status).toBe("idle");
      const next = await client.api.agent.command.mutate({ agentId: agent.id, text: "echo back" });
      const done = await waitForAsync(async () => {
        const row = await second.room.prisma.command.findUniqueOrThrow({ where: { id: next.id } });
        return row.status === "completed" ? row : undefined;
      }, 10_000, "command after resume");
      expect(done.result).toContain("back");
    } finally {
      await client.close();
      await second.close();
      await first.close().catch(() => undefined);
      removeHome(first.home);
    }
  });

  it("runs the tasks of agents lost in the restart again: re-dispatched with the reason, then completed by another agent", async () => {
    // Real processes, so the first server dies for real (kill -9) and cannot write after it.
    const home = tempHome();
    let first: ServerProcess | undefined;
    let second: ServerProcess | undefined;
    try {
      first = await startServerProcess(home);
      const { api, close } = clientFor(first.url);
      const session = await api.session.create.mutate({ name: "restart-tasks" });
      // First run: marks its try and sleeps (the server is killed meanwhile); the run after the restart finishes.
      const prompt = "if [ -e tried-restart ]; then echo second-try; else touch tried-restart; sleep 30; fi";
      const task = await api.task.create.mutate({ sessionId: session.id, title: "outlive a restart", prompt, agentProfile: { driver: "shell" } });
      const running = await waitForAsync(async () => {
        const now = await api.task.get.query({ id: task.id });
        return now.status === "running" && now;
      }, 30_000, "the task running");
      // `running` comes as the prompt is handed over: the kill must come after the shell has marked its try.
      await waitFor(() => existsSync(path.join(session.workspaceRoot!, "tried-restart")), 30_000, "the first try marked");
      await close();
      first.child.kill("SIGKILL");
      await first.exited;

      second = await startServerProcess(home);
      const client = clientFor(second.url);
      try {
        expect(await client.api.agent.get.query({ id: running.agentId! })).toMatchObject({ status: "lost" });
        // Before, the task said `running` for ever on an agent that was lost.
        const done = await waitForAsync(async () => {
          const now = await client.api.task.get.query({ id: task.id });
          return ["completed", "failed", "cancelled", "blocked"].includes(now.status) && now;
        }, 30_000, "the task run again and finished");
        expect(done.status).toBe("completed");
        expect(done.agentId).not.toBe(running.agentId);
        const requeued = await client.api.event.timeline.query({ sessionId: session.id, taskId: task.id, types: ["task.requeued"], limit: 5 });
        expect(requeued.events[0]?.summary).toMatch(/re-dispatched \(the server restarted while its agent ran it\)/);
        const output = await client.api.event.timeline.query({ sessionId: session.id, types: ["shell.output"], limit: 50 });
        expect(output.events.some((e) => e.summary?.includes("second-try"))).toBe(true);
      } finally {
        await client.close();
      }
    } finally {
      if (first && first.child.exitCode === null && first.child.signalCode === null) first.child.kill("SIGKILL");
      if (second) await stopServerProcess(second).catch(() => undefined);
      removeHome(home);
    }
  }, 120_000);
});
