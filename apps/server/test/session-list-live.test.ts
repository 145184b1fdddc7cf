import { describe, expect, it } from "vitest";
import { legacyEvent, postJson, serverForFile, waitFor, type TestServer } from "./harness.ts";

let server: TestServer;
let api: Awaited<ReturnType<typeof import("./harness.ts").clientFor>>["api"];
serverForFile((started, client) => {
  server = started;
  api = client.api;
});

interface LiveStats {
  events: number;
  costUsd: number;
  lastEventAt: number | null;
}

describe("the sessions list, live", () => {
  it("carries last activity and totals in session.list and in the stats updates of control.onUpdate (over WebSocket)", async () => {
    const session = await api.session.create.mutate({ name: "live-list" });
    const quiet = await api.session.create.mutate({ name: "quiet" });
    const before = await api.session.list.query({ limit: 200 });
    expect(before.find((s) => s.id === quiet.id)).toMatchObject({ events: 0, costUsd: 0, lastEventAt: null });

    const stats: LiveStats[] = [];
    const listeners = server.room.bus.listenerCount("control");
    const sub = api.control.onUpdate.subscribe(
      {},
      {
        onData: ({ data }) => {
          if (data.entity === "stats" && data.sessionId === session.id) stats.push(data.data as LiveStats);
        },
      },
    );
    try {
      await waitFor(() => server.room.bus.listenerCount("control") > listeners, 5_000, "the control subscription");

      const sentAt = Date.now();
      const events = [
        ...Array.from({ length: 40 }, (_, i) => legacyEvent(i, { source_app: session.id })),
        { schema_version: 2, event_id: `usage-${session.id}`, source_app: session.id, session_id: "s1", agent_id: "builder", type: "usage.reported", cost_usd: 0.25, input_tokens: 100, output_tokens: 7, payload: {} },
      ];
      const res = await postJson(`${server.url}/api/events`, events);
      expect(res.status, JSON.stringify(res.body)).toBe(200);

      const last = await waitFor(() => stats.find((s) => s.events === 41), 5_000, "a stats update with all 41 events");
      expect(last.costUsd).toBeCloseTo(0.25);
      expect(last.lastEventAt).toBeGreaterThanOrEqual(sentAt - 1_000);
      expect(last.lastEventAt).toBeLessThanOrEqual(Date.now());

      const listed = (await api.session.list.query({ limit: 200 })).find((s) => s.id === session.id);
      expect(listed).toMatchObject({ events: 41, lastEventAt: last.lastEventAt, inputTokens: 100, outputTokens: 7 });
      expect(listed?.costUsd).toBeCloseTo(0.25);
    } finally {
      sub.unsubscribe();
    }
  });
});
