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

describe("a command is published completed only after its turn's events are stored", () => {
  it("waiting for `completed` on control.onUpdate, then reading the timeline, always finds the turn's last event (25 turns)", async () => {
    const session = await api.session.create.mutate({ name: "completion order" });
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
    const completed = new Map<string, () => void>();
    const seen = new Set<string>();
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
      await waitForAsync(async () => server.room.bus.listenerCount("control") > 0, 5_000, "control subscription");
      const missing: number[] = [];
      for (let turn = 0; turn < 25; turn += 1) {
        let resolveDone!: () => void;
        const done = new Promise<void>((resolve) => (resolveDone = resolve));
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
