import { describe, expect, it } from "vitest";
import { serverForFile, type TestServer } from "./harness.ts";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";
import type { createRozetClient } from "@rozet/api/client";

let server: TestServer;
let api: ReturnType<typeof createRozetClient>["api"];
serverForFile((started, client) => {
  server = started;
  api = client.api;
});

describe("a command is published completed only after its turn's events are stored", () => {
  it("waiting for `completed` on control.onUpdate, then reading the timeline, always finds the turn's last event (40 turns)", async () => {
    const session = await api.session.create.mutate({ name: "completion order" });
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
    const completed = new Map<string, () => void>();
    const seen = new Set<string>();
    // The server listens to control updates itself (metrics): wait for one more listener, ours.
    const listeners = server.room.bus.listenerCount("control");
    const sub = api.control.onUpdate.subscribe(
      { sessionId: session.id },
      {
        onData: ({ data }) => {
          if (data.entity !== "command" || data.status !== "completed") return;
          seen.add(data.id);
          completed.get(data.id)?.();
        },
      },
    );
    try {
      await waitForAsync(async () => server.room.bus.listenerCount("control") > listeners, 5_000, "control subscription");
      const missing: number[] = [];
      for (let turn = 0; turn < 40; turn += 1) {
        let resolveDone!: () => void;
        const done = new Promise<void>((resolve) => (resolveDone = resolve));
        // Large output: its events are encoded on the writer's codec thread, which is when completion used to win.
        const command = await api.agent.command.mutate({ agentId: agent.id, text: `echo turn-${turn}; head -c 300000 /dev/zero | tr "\\0" x; echo more-${turn} >&2` });
        completed.set(command.id, resolveDone);
        if (seen.has(command.id)) resolveDone();
        await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`turn ${turn} never completed`)), 20_000))]);
        // Immediately, as a script would: the turn's closing event must already be readable.
        const { events } = await api.event.timeline.query({ sessionId: session.id, types: ["tool.finished"], limit: 100 });
        if (!events.some((e) => e.commandId === command.id)) missing.push(turn);
      }
      expect(missing).toEqual([]);
    } finally {
      sub.unsubscribe();
    }
  }, 120_000);
});

describe("the same for real Claude Code (through the model stub)", () => {
  // A long answer, so the turn's events take the writer's slower path (codec thread) as a real answer often does.
  it("after each of 20 turns' `completed` update, the timeline already holds its turn.finished", async () => {
    const world = await startAgentWorld({ steps: [], fallback: { content: [{ text: `a long answer: ${"lorem ipsum ".repeat(1_500)}` }] } });
    try {
      const session = await world.api.session.create.mutate({ name: "claude completion order" });
      const agent = await world.api.agent.create.mutate({ sessionId: session.id, name: "claude", driver: "claude", config: { env: stubEnv(world.stub.url) } });
      await world.agentInStatus(agent.id, "idle");
      const completed = new Set<string>();
      const sub = world.api.control.onUpdate.subscribe(
        { sessionId: session.id },
        { onData: ({ data }) => void (data.entity === "command" && data.status === "completed" && completed.add(data.id)) },
      );
      try {
        const missing: number[] = [];
        for (let turn = 0; turn < 20; turn += 1) {
          const command = await world.api.agent.command.mutate({ agentId: agent.id, text: `question ${turn}` });
          await waitForAsync(async () => completed.has(command.id), 60_000, `turn ${turn} completed`);
          const { events } = await world.api.event.timeline.query({ sessionId: session.id, types: ["turn.finished"], limit: 100 });
          if (!events.some((e) => e.commandId === command.id)) missing.push(turn);
        }
        expect(missing).toEqual([]);
      } finally {
        sub.unsubscribe();
      }
    } finally {
      await world.close();
    }
  }, 240_000);
});
