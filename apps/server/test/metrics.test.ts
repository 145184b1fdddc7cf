import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";
import { postJson } from "./harness.ts";

// GET /metrics after real activity: a Claude agent through the model stub that asks a permission (answered by the
// operator), a prompt and an interrupt, a live subscriber, REST and OTLP ingest. Every family the docs list must
// have samples.

let world: Awaited<ReturnType<typeof startAgentWorld>>;
beforeAll(async () => {
  world = await startAgentWorld({
    steps: [
      { content: [{ text: "Writing." }, { tool_use: { name: "Write", input: { file_path: "{{cwd}}/a.txt", content: "a\n" } } }] },
      { content: [{ text: "Wrote it." }] },
    ],
  });
});
afterAll(async () => {
  await world.close();
});

/** Sample lines of one family (`name`, `name_bucket`, `name_count` …) as [labels, value]. */
function samples(text: string, family: string): [string, number][] {
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${family}{`) || line.startsWith(`${family} `) || line.startsWith(`${family}_count`))
    .map((line) => {
      const value = Number(line.slice(line.lastIndexOf(" ") + 1));
      return [line.slice(0, line.lastIndexOf(" ")), value];
    });
}

describe("GET /metrics", () => {
  it("has samples in every family after real activity", async () => {
    const { api, server } = world;
    const session = await api.session.create.mutate({ name: "metrics" });
    // A live subscriber (WebSocket client, subscription lag).
    const received: number[] = [];
    const subscription = api.event.subscribe.subscribe({ sessionId: session.id }, { onData: ({ data }) => received.push(data.seq) });
    try {
      const agent = await api.agent.create.mutate({ sessionId: session.id, name: "claude", driver: "claude", config: { env: stubEnv(world.stub.url) } });
      await world.agentInStatus(agent.id, "idle");
      const command = await api.agent.command.mutate({ agentId: agent.id, text: "write a" });
      const request = await world.pendingPermission(session.id);
      await api.agent.respondPermission.mutate({ requestId: request.id, answer: { behavior: "allow" } });
      expect((await world.commandDone(command.id)).status).toBe("completed");
      await api.agent.interrupt.mutate({ agentId: agent.id });
      // Ingest over REST and OTLP.
      const rest = await postJson(`${server.url}/api/events`, [
        { source_app: "metrics", session_id: "hook-1", hook_event_type: "Notification", payload: { message: "hi" } },
        { source_app: "metrics", session_id: "hook-1", hook_event_type: "Notification", payload: { message: "again" } },
      ]);
      expect(rest.status).toBe(200);
      const otlp = await postJson(`${server.url}/v1/metrics`, {
        resourceMetrics: [
          {
            resource: { attributes: [{ key: "rozet.session", value: { stringValue: "metrics" } }] },
            scopeMetrics: [{ metrics: [{ name: "claude_code.session.count", sum: { aggregationTemporality: 1, dataPoints: [{ asDouble: 1, timeUnixNano: "1764000000000000000" }] } }] }],
          },
        ],
      });
      expect(otlp.status).toBe(200);
      await waitForAsync(async () => received.length > 0, 10_000, "a live event");
      // A REST route is labelled by its OpenAPI template, not by the path a client made up.
      expect((await fetch(`${server.url}/api/sessions/${session.id}`)).status).toBe(200);
      expect((await fetch(`${server.url}/api/no-such-route-${Date.now()}`)).status).toBe(404);

      const text = await (await fetch(`${server.url}/metrics`)).text();
      const families = [
        "rozet_http_requests_total",
        "rozet_http_request_duration_seconds",
        "rozet_ingest_events_total",
        "rozet_ingest_batch_events",
        "rozet_write_commit_seconds",
        "rozet_write_backlog_events",
        "rozet_events_stored_total",
        "rozet_websocket_clients",
        "rozet_websocket_buffered_bytes",
        "rozet_subscription_lag_seconds",
        "rozet_command_latency_seconds",
        "rozet_interrupt_seconds",
        "rozet_agents",
        "rozet_permission_wait_seconds",
        "rozet_session_cost_usd",
        "rozet_session_tokens",
        "rozet_process_cpu_seconds_total",
        "rozet_process_resident_memory_bytes",
        "rozet_nodejs_eventloop_lag_seconds",
      ];
      for (const family of families) expect(samples(text, family).length, family).toBeGreaterThan(0);

      const value = (family: string, labels: RegExp) => samples(text, family).find(([name]) => labels.test(name))?.[1];
      expect(value("rozet_http_requests_total", /route="\/api\/events",method="POST",status="200"/)).toBe(1);
      expect(value("rozet_ingest_events_total", /route="\/api\/events"/)).toBe(2);
      expect(value("rozet_http_requests_total", /route="\/api\/sessions\/\{id\}",method="GET",status="200"/)).toBe(1);
      expect(value("rozet_http_requests_total", /route="\/api\/\*",method="GET",status="404"/)).toBe(1);
      expect(text).not.toContain("no-such-route");
      expect(value("rozet_ingest_events_total", /route="\/v1\/metrics"/)).toBe(1);
      expect(value("rozet_ingest_batch_events_count", /route="\/api\/events"/)).toBe(1);
      expect(value("rozet_websocket_clients", /.*/)).toBeGreaterThanOrEqual(1);
      expect(value("rozet_subscription_lag_seconds_count", /.*/)).toBeGreaterThan(0);
      expect(value("rozet_command_latency_seconds_count", /kind="prompt",stage="accepted"/)).toBe(1);
      expect(value("rozet_command_latency_seconds_count", /kind="prompt",stage="finished",outcome="completed"/)).toBe(1);
      expect(value("rozet_interrupt_seconds_count", /.*/)).toBe(1);
      expect(value("rozet_permission_wait_seconds_count", /outcome="allowed",answered_by="token"/)).toBe(1);
      expect(value("rozet_agents", /status="idle",driver="claude"/)).toBe(1);
      expect(value("rozet_session_cost_usd", new RegExp(`session_id="${session.id}"`))).toBeGreaterThan(0);
      expect(value("rozet_session_tokens", new RegExp(`session_id="${session.id}",session="metrics",direction="output"`))).toBeGreaterThan(0);
    } finally {
      subscription.unsubscribe();
    }
  }, 120_000);
});
