import { describe, expect, it } from "vitest";
import { postJson, serverForFile, waitFor, type TestServer, clientFor } from "./harness.ts";

let server: TestServer;
let client: ReturnType<typeof clientFor>;
serverForFile((started, c) => {
  server = started;
  client = c;
});

/** `count` v2 events in batches of 1,000; every fifth a `note.added` with "needle" in its summary. */
async function seed(app: string, count: number, first = 0): Promise<string> {
  let sessionId = "";
  for (let from = first; from < first + count; from += 1_000) {
    const events = Array.from({ length: Math.min(1_000, first + count - from) }, (_, k) => {
      const i = from + k;
      return { schema_version: 2, event_id: `${app}-${i}`, source_app: app, session_id: "s", agent_id: "a", type: i % 5 ? "note.added" : "tool.started", summary: i % 5 ? `row ${i}` : `needle ${i}`, payload: { i } };
    });
    const res = await postJson(`${server.url}/api/events`, { events });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    sessionId = res.body.results[0].sessionId;
  }
  return sessionId;
}

/** A plain tRPC GET, as any HTTP client would send it. */
async function windowOverHttp(input: unknown) {
  const res = await fetch(`${server.url}/trpc/event.window?input=${encodeURIComponent(JSON.stringify(input))}`);
  return { status: res.status, body: (await res.json()) as { result?: { data: any }; error?: any } };
}

describe("event.window over HTTP and WebSocket", () => {
  it("reaches any event of a large session by position, seq and time, with the count the header shows", async () => {
    const sessionId = await seed("window-big", 30_000);
    const metrics = await client.api.session.metrics.query({ id: sessionId });
    const newest = await client.api.event.window.query({ sessionId, limit: 200 });
    expect(newest.total).toBe(30_000);
    expect(newest.total).toBe(metrics.events);
    expect(newest.start).toBe(29_800);
    expect(newest.events.at(-1)!.eventId).toBe("window-big-29999");

    const middle = await windowOverHttp({ sessionId, position: 15_000, limit: 3 });
    expect(middle.status).toBe(200);
    expect(middle.body.result!.data.events.map((e: { eventId: string }) => e.eventId)).toEqual(["window-big-15000", "window-big-15001", "window-big-15002"]);

    const target = middle.body.result!.data.events[1];
    const centred = await client.api.event.window.query({ sessionId, seq: target.seq, before: 100, limit: 201 });
    expect(centred).toMatchObject({ anchor: 15_001, anchorSeq: target.seq, start: 14_901 });
    expect(centred.events[100]!.seq).toBe(target.seq);

    const byTime = await client.api.event.window.query({ sessionId, time: target.receivedAt, limit: 1 });
    expect(byTime.events[0]!.receivedAt).toBeGreaterThanOrEqual(target.receivedAt);
    expect(byTime.anchor).toBeLessThanOrEqual(15_001);

    const filtered = await client.api.event.window.query({ sessionId, text: "needle", position: 10, limit: 2 });
    expect(filtered.total).toBe(6_000);
    expect(filtered.events.map((e) => e.eventId)).toEqual(["window-big-50", "window-big-55"]);
  });

  it("counts on from lastSeq: a subscription from there brings exactly the events past `total`", async () => {
    const sessionId = await seed("window-live", 500);
    const before = await client.api.event.window.query({ sessionId, limit: 10 });
    const received: number[] = [];
    const sub = client.api.event.subscribe.subscribe({ sessionId, lastEventId: String(before.lastSeq) }, { onData: ({ data }) => received.push(data.seq) });
    try {
      await seed("window-live", 250, 500);
      await waitFor(() => received.length >= 250, 10_000, "live events");
      const after = await client.api.event.window.query({ sessionId, limit: 250 });
      expect(after.total).toBe(before.total + received.length);
      expect(after.events.map((e) => e.seq)).toEqual(received);
    } finally {
      sub.unsubscribe();
    }
  });

  it("bad input is a 400 naming the field; an unknown session or agent a 404", async () => {
    const sessionId = await seed("window-bad", 10);
    const refused = async (input: unknown, field: string) => {
      const res = await windowOverHttp(input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(Object.keys(res.body.error.data.fieldErrors ?? {}), JSON.stringify(res.body.error)).toContain(field);
    };
    await refused({ sessionId, position: -1 }, "position");
    await refused({ sessionId, seq: 1.5 }, "seq");
    await refused({ sessionId, time: "yesterday" }, "time");
    await refused({ sessionId, limit: 501 }, "limit");
    await refused({ sessionId, before: 10_000 }, "before");
    await refused({ sessionId, seq: 3, time: 5 }, "time");
    await refused({ sessionId: "x\u0000y" }, "sessionId");
    expect((await windowOverHttp({ sessionId: "no-such-session" })).status).toBe(404);
    expect((await windowOverHttp({ sessionId, agentId: "no-such-agent" })).status).toBe(404);
    // Past the end: an empty window at the end, not an error.
    const past = await client.api.event.window.query({ sessionId, position: 1_000 });
    expect(past).toMatchObject({ total: 10, anchor: 10, anchorSeq: null, events: [] });
  });
});
