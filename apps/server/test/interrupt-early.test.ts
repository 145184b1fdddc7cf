import { afterEach, describe, expect, it } from "vitest";
import { interruptResults } from "@rozet/vocabulary";
import { startAgentWorld, stubEnv } from "./agent-harness.ts";

let world: Awaited<ReturnType<typeof startAgentWorld>> | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const ANSWER = "THE ANSWER";

describe("an interrupt that Claude Code reads before it has begun the turn", () => {
  it("still stops the turn: no model answer, the command cancelled, the interrupt delivered", async () => {
    // The model answers only after a moment, as a real one does.
    world = await startAgentWorld({ steps: [], fallback: { content: [{ text: ANSWER }], delayMs: 300 } });
    const w = world;
    const session = await w.api.session.create.mutate({ name: "early interrupt" });
    const agent = await w.api.agent.create.mutate({ sessionId: session.id, name: "claude-1", driver: "claude", config: { env: stubEnv(w.stub.url) } });
    await w.agentInStatus(agent.id, "idle");
    const pid = (await w.api.agent.get.query({ id: agent.id })).processId!;

    for (const round of [1, 2, 3]) {
      // A machine too busy to run Claude Code for a moment: it then reads the prompt and the interrupt together,
      // the interrupt first taking effect while no turn runs yet.
      process.kill(pid, "SIGSTOP");
      const command = await w.api.agent.command.mutate({ agentId: agent.id, text: `answer me (${round})` });
      expect(command.status).toBe("accepted");
      const resume = setTimeout(() => process.kill(pid, "SIGCONT"), 300);
      const interrupt = await w.api.agent.interrupt.mutate({ agentId: agent.id });
      clearTimeout(resume);
      process.kill(pid, "SIGCONT");

      // The interrupt answers once the turn has ended, with what really happened.
      expect(interrupt).toMatchObject({ kind: "interrupt", status: "completed", result: interruptResults.delivered });
      const done = await w.commandDone(command.id, 10_000);
      expect(done.status).toBe("cancelled");
      await w.agentInStatus(agent.id, "idle", 10_000);
      const turnEvents = (await w.timeline(session.id)).filter((e) => e.commandId === command.id);
      expect(turnEvents.map((e) => e.type)).toContain("agent.interrupted");
      expect(turnEvents.filter((e) => e.type === "message.assistant" || e.type === "turn.finished")).toEqual([]);
    }
    // The agent still works: the next prompt is answered.
    const next = await w.api.agent.command.mutate({ agentId: agent.id, text: "answer me now" });
    expect(await w.commandDone(next.id, 30_000)).toMatchObject({ status: "completed", result: ANSWER });
  });
});
