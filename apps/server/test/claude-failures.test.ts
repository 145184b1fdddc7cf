import type { ScenarioInput } from "@rozet/model-stub";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";

let world: Awaited<ReturnType<typeof startAgentWorld>> | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function startClaude(scenario: ScenarioInput, overrides: Parameters<typeof startAgentWorld>[1] = {}) {
  world = await startAgentWorld(scenario, overrides);
  const session = await world.api.session.create.mutate({ name: "failures" });
  const agent = await world.api.agent.create.mutate({ sessionId: session.id, name: "claude", driver: "claude", config: { env: { ...stubEnv(world.stub.url), CLAUDE_CODE_MAX_RETRIES: "1" } } });
  await world.agentInStatus(agent.id, "idle");
  return { session, agent, w: world };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("claude driver failures", () => {
  it("says on the timeline when a busy agent goes quiet, and when it is back", async () => {
    const { session, agent, w } = await startClaude({ steps: [{ delayMs: 3_500, content: [{ text: "finally" }] }] }, { watchdogMs: 1_000 });
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "slow model" });
    expect((await w.commandDone(command.id)).status).toBe("completed");
    const waiting = (await w.timeline(session.id)).filter((e) => e.type === "agent.waiting");
    expect(waiting.map((e) => e.status)).toEqual(["stalled", "resumed"]);
    expect(waiting[0]!.summary).toMatch(/no update for \d+ s \(the model may be retrying or slow\)/);
  });

  // 401 bad key, 429 rate limit, 500 server error, 529 overloaded: Claude Code retries each (kept to one retry).
  for (const status of [401, 429, 500, 529]) {
    it(`shows API ${status} on the timeline and recovers on the next command`, async () => {
      const { session, agent, w } = await startClaude({
        steps: [
          // Claude Code merges the failed prompt into the next one, so the recovery step is matched first.
          { match: { lastUserTextIncludes: "second" }, content: [{ text: "All good now." }] },
          { match: { lastUserTextIncludes: "first" }, error: { status }, repeat: 5 },
        ],
      });
      const failing = await w.api.agent.command.mutate({ agentId: agent.id, text: "first try" });
      const failed = await w.commandDone(failing.id, 90_000);
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatch(new RegExp(String(status)));
      const events = await w.timeline(session.id);
      const failure = events.find((e) => e.type === "agent.failed");
      expect(failure?.summary).toMatch(new RegExp(String(status)));
      expect(events.some((e) => e.type === "agent.retrying")).toBe(true);
      await w.agentInStatus(agent.id, "idle", 10_000);
      // The roster shows the agent's lastError: the reason must be there too, not only on the command.
      expect((await w.api.agent.get.query({ id: agent.id })).lastError).toMatch(new RegExp(String(status)));

      const retry = await w.api.agent.command.mutate({ agentId: agent.id, text: "second try" });
      const retried = await w.commandDone(retry.id);
      expect(retried.status).toBe("completed");
      expect((await w.api.agent.get.query({ id: agent.id })).lastError).toBeNull();
    });
  }

  it("shows a model stream cut mid-answer on the command and the timeline, and recovers on the next command", async () => {
    const { session, agent, w } = await startClaude({
      steps: [
        { match: { lastUserTextIncludes: "second" }, content: [{ text: "All good now." }] },
        { match: { lastUserTextIncludes: "first" }, content: [{ text: "this answer never arrives in full" }], cutStreamAfterChunks: 2, repeat: 5 },
      ],
    });
    const cut = await w.api.agent.command.mutate({ agentId: agent.id, text: "first try" });
    const failed = await w.commandDone(cut.id, 90_000);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/connection|terminated|socket|stream|network/i);
    const failure = (await w.timeline(session.id)).find((e) => e.type === "agent.failed");
    expect(failure?.summary).toBe(failed.error);
    await w.agentInStatus(agent.id, "idle", 10_000);
    expect((await w.api.agent.get.query({ id: agent.id })).lastError).toBe(failed.error);
    const retry = await w.api.agent.command.mutate({ agentId: agent.id, text: "second try" });
    expect((await w.commandDone(retry.id)).status).toBe("completed");
    expect((await w.api.agent.get.query({ id: agent.id })).lastError).toBeNull();
  });

  it("marks a killed agent failed with the reason, keeps the server up and leaves no process behind", async () => {
    const { session, agent, w } = await startClaude({ steps: [{ content: [{ text: "slow ".repeat(40) }], chunkDelayMs: 300 }] });
    const { processId } = await w.api.agent.get.query({ id: agent.id });
    expect(processId).toBeGreaterThan(0);
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "work" });
    await waitForAsync(async () => (await w.api.agent.get.query({ id: agent.id })).status === "busy", 20_000, "busy");
    process.kill(processId!, "SIGKILL");
    await w.agentInStatus(agent.id, "failed", 10_000);
    const failed = await w.api.agent.get.query({ id: agent.id });
    expect(failed.lastError).toMatch(/exited \(SIGKILL\)/);
    expect((await w.commandDone(command.id)).status).toBe("failed");
    expect((await w.api.system.health.query()).ok).toBe(true);
    expect((await w.timeline(session.id)).some((e) => e.type === "agent.status" && e.status === "failed")).toBe(true);
    // A later command is refused with the reason instead of hanging.
    await expect(w.api.agent.command.mutate({ agentId: agent.id, text: "again" })).rejects.toMatchObject({ data: { code: "CONFLICT", domainCode: "ILLEGAL_STATE" } });

    // Resume starts a new process on the same Claude session; stop ends its whole process group.
    const resumed = await w.api.agent.resume.mutate({ id: agent.id });
    expect(resumed.status).toBe("idle");
    expect(resumed.processId).not.toBe(processId);
    await w.api.agent.stop.mutate({ agentId: agent.id });
    expect((await w.api.agent.get.query({ id: agent.id })).status).toBe("stopped");
    await waitForAsync(async () => !processAlive(resumed.processId!), 5_000, "resumed process gone");
    let groupGone = false;
    try {
      process.kill(-resumed.processId!, 0);
    } catch {
      groupGone = true;
    }
    expect(groupGone).toBe(true);
  });
});
