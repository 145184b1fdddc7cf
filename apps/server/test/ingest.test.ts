import http from "node:http";
import { describe, expect, it } from "vitest";
import { clientFor, legacyEvent, postJson, serverForFile, type TestServer } from "./harness.ts";

let server: TestServer;
let client: ReturnType<typeof clientFor>;
serverForFile((started, startedClient) => {
  server = started;
  client = startedClient;
});

async function allEvents(sessionId: string) {
  const events = [];
  let after = 0;
  for (;;) {
    const page = await client.api.event.timeline.query({ sessionId, after, limit: 500 });
    events.push(...page.events);
    if (!page.hasMoreAfter) return events;
    after = page.events.at(-1)!.seq;
  }
}

describe("idempotent ingest", () => {
  it("stores a duplicate event_id once and reports it as a duplicate", async () => {
    const event = { schema_version: 2, event_id: "dup-1", source_app: "dup-app", session_id: "s", hook_event_type: "Stop", payload: { n: 1 } };
    const first = await postJson(`${server.url}/api/events`, event);
    const again = await postJson(`${server.url}/api/events`, [event, { ...event, payload: { n: 2 } }]);
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(again.body.results.map((r: { seq: number }) => r.seq)).toEqual([first.body.results[0].seq, first.body.results[0].seq]);
    const events = await allEvents(first.body.results[0].sessionId);
    expect(events).toHaveLength(1);
    expect((await client.api.event.get.query({ seq: events[0]!.seq })).payload).toEqual({ n: 1 });
  });

  it("takes a batch containing the same event twice once", async () => {
    const event = { schema_version: 2 as const, event_id: "dup-2", source_app: "dup-app-2", session_id: "s", type: "note.added", payload: {} };
    const receipt = await client.api.event.ingest.mutate({ events: [event, event] });
    expect(receipt).toMatchObject({ accepted: 1, duplicates: 1 });
  });
});

describe("concurrent ingest", () => {
  it("loses and duplicates nothing across 10,000 concurrent events", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const app = `load-${Date.now()}`;
    const total = 10_000;
    let next = 0;
    const post = (body: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${server.url}/events`, { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end(body);
      });
    // 64 in flight; the v2 event ids let a retry be safe, and let us check every one arrived.
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < total) {
          const i = next++;
          statuses.push(await post(JSON.stringify({ ...legacyEvent(i, { source_app: app }), schema_version: 2, event_id: `${app}-${i}` })));
        }
      }),
    );
    agent.destroy();
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const sessionId = (await client.api.session.list.query()).find((s) => s.name === app)!.id;
    const events = await allEvents(sessionId);
    expect(events).toHaveLength(total);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(total);
    expect(new Set(events.map((e) => e.seq)).size).toBe(total);
    const metrics = await client.api.session.metrics.query({ id: sessionId });
    expect(metrics.events).toBe(total);
  });
});

describe("raw Claude hook payloads", () => {
  it("accepts POST /hooks/claude and answers {} so Claude Code changes nothing", async () => {
    const payload = { session_id: "hook-session-1", hook_event_name: "UserPromptSubmit", cwd: "/work/proj", prompt: "hello there" };
    const res = await postJson(`${server.url}/hooks/claude?app=hooked`, payload);
    expect(res).toEqual({ status: 200, body: {} });
    const session = (await client.api.session.list.query()).find((s) => s.name === "hooked")!;
    const page = await client.api.event.timeline.query({ sessionId: session.id });
    expect(page.events.map((e) => [e.type, e.summary])).toEqual([["prompt.submitted", "hello there"]]);
    const agents = await client.api.agent.list.query({ sessionId: session.id });
    expect(agents).toMatchObject([{ driver: "external", externalSessionId: "hook-session-1" }]);
  });
});
