import { describe, expect, it } from "vitest";
import { clientFor, removeHome, startTestServer } from "./harness.ts";
import { waitForAsync } from "./agent-harness.ts";

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
    // Close the database without the runtime's shutdown, as a crash would. A crash ends every connection of the
    // process, the one holding its agent leases too (Postgres: advisory locks), so the next server finds the agent
    // held by nobody; a live lease would mean another replica still runs it (replicas.test.ts).
    await first.room.writer.flushNow();
    await first.room.leases.close();
    await first.room.database.close();

    const second = await startTestServer({ home: first.home });
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
});
