import { WebSocket } from "ws";
import { SOCKET_HIGH_WATER } from "@rozet/api";
import { afterEach, describe, expect, it } from "vitest";
import { clientFor, legacyEvent, postJson, removeHome, startProxy, startTestServer, waitFor } from "./harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function ingestBatch(url: string, app: string, from: number, count: number) {
  const events = Array.from({ length: count }, (_, i) => legacyEvent(from + i, { source_app: app }));
  const res = await postJson(`${url}/api/events`, events);
  expect(res.status).toBe(200);
  return res.body.results as { seq: number; sessionId: string; agentId: string | null }[];
}

function expectExactlyOnceInOrder(received: number[], expected: number[]) {
  expect(received.length).toBe(expected.length);
  expect(received).toEqual(expected);
}

describe("event.subscribe", () => {
  it("resumes after the socket is destroyed mid-stream, with no loss and no duplicate", async () => {
    const server = await startTestServer();
    const proxy = await startProxy(server.port);
    const client = clientFor(proxy.url);
    cleanups.push(() => removeHome(server.home), () => server.close(), () => proxy.close(), () => client.close());

    const [first] = await ingestBatch(server.url, "resume", 0, 1);
    const received: number[] = [];
    let errors = 0;
    const sub = client.api.event.subscribe.subscribe(
      { sessionId: first!.sessionId, lastEventId: String(first!.seq) },
      { onData: (e) => received.push(e.data.seq), onError: () => errors++ },
    );
    cleanups.push(() => sub.unsubscribe());

    const expected: number[] = [];
    for (let round = 0; round < 30; round++) {
      expected.push(...(await ingestBatch(server.url, "resume", round * 100, 100)).map((r) => r.seq));
      if (round === 10 || round === 20) {
        await waitFor(() => received.length > 0, 5_000, "some events before the cut");
        proxy.cutAll();
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(() => received.length >= expected.length, 20_000, `all ${expected.length} events (got ${received.length})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expectExactlyOnceInOrder(received, expected);
    expect(errors).toBe(0);
  });

  it("survives a server restart: history persists and the subscription resumes where it stopped", async () => {
    const first = await startTestServer();
    const proxy = await startProxy(first.port);
    const client = clientFor(proxy.url);
    cleanups.push(() => removeHome(first.home), () => proxy.close(), () => client.close());

    const before = await ingestBatch(first.url, "restart", 0, 50);
    const sessionId = before[0]!.sessionId;
    const received: number[] = [];
    const sub = client.api.event.subscribe.subscribe({ sessionId, lastEventId: "0" }, { onData: (e) => received.push(e.data.seq) });
    cleanups.push(() => sub.unsubscribe());
    await waitFor(() => received.length === 50, 10_000, "history replay");

    await first.close();
    const second = await startTestServer({ home: first.home });
    cleanups.push(() => second.close());
    proxy.retarget(second.port);
    const after = await ingestBatch(second.url, "restart", 50, 50);
    expect(after[0]!.sessionId).toBe(sessionId);

    await waitFor(() => received.length >= 100, 20_000, `events after restart (got ${received.length})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expectExactlyOnceInOrder(received, [...before, ...after].map((r) => r.seq));
    const page = await client.api.event.timeline.query({ sessionId, limit: 500 });
    expect(page.events).toHaveLength(100);
  });

  it("delivers everything in order to a client that stopped reading, without buffering it all", async () => {
    const server = await startTestServer();
    cleanups.push(() => removeHome(server.home), () => server.close());
    const [first] = await ingestBatch(server.url, "slow-reader", 0, 1);

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/trpc`);
    cleanups.push(() => ws.terminate());
    await new Promise((resolve) => ws.once("open", resolve));
    const received: number[] = [];
    ws.on("message", (raw) => {
      const message = JSON.parse((raw as Buffer).toString("utf8")); // ws hands frames over as Buffers by default
      if (message.result?.type === "data") received.push(message.result.data.data.seq);
    });
    // The server listens to events itself (metrics, hook agents): wait for one more listener, ours.
    const listeners = server.room.bus.listenerCount("events");
    ws.send(JSON.stringify({ id: 1, method: "subscription", params: { path: "event.subscribe", input: { sessionId: first!.sessionId, lastEventId: String(first!.seq) } } }));
    await waitFor(() => server.room.bus.listenerCount("events") > listeners, 5_000, "subscription");

    // Stop reading: the server's socket fills up and the subscription must wait instead of queueing in memory.
    (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const expected: number[] = [];
    const bigSummary = "s".repeat(280);
    for (let round = 0; round < 40; round++) {
      const events = Array.from({ length: 500 }, (_, i) => legacyEvent(round * 500 + i, { source_app: "slow-reader", summary: `${bigSummary} ${round}-${i}` }));
      const res = await postJson(`${server.url}/api/events`, events);
      expected.push(...res.body.results.map((r: { seq: number }) => r.seq));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whilePaused = server.stats();
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await waitFor(() => received.length >= expected.length, 30_000, `all events after resume (got ${received.length})`);
    expectExactlyOnceInOrder(received, expected);
    // ~16 MB of events were published while the client was paused; the server held back at its high-water mark.
    expect(whilePaused.websocketClients).toBe(1);
    expect(whilePaused.websocketBufferedBytes).toBeGreaterThan(0);
    expect(whilePaused.websocketBufferedBytes).toBeLessThan(SOCKET_HIGH_WATER + 64 * 1024);
  });

  it("filters live events by agent and type and releases its listener when the client leaves", async () => {
    const server = await startTestServer();
    const client = clientFor(server.url);
    cleanups.push(() => removeHome(server.home), () => server.close(), () => client.close());
    const [seed] = await ingestBatch(server.url, "filters", 0, 1);
    const listenersBefore = server.room.bus.listenerCount("events");
    const received: { type: string; agentId: string | null }[] = [];
    const sub = client.api.event.subscribe.subscribe(
      { sessionId: seed!.sessionId, agentId: seed!.agentId ?? undefined, types: ["prompt.submitted"] },
      { onData: (e) => received.push(e.data) },
    );
    await waitFor(() => server.room.bus.listenerCount("events") > listenersBefore, 5_000, "listener");
    await postJson(`${server.url}/api/events`, [
      legacyEvent(1, { source_app: "filters", hook_event_type: "UserPromptSubmit", payload: { prompt: "yes" } }),
      legacyEvent(2, { source_app: "filters", hook_event_type: "PreToolUse" }),
      legacyEvent(3, { source_app: "filters", session_id: "other-agent", hook_event_type: "UserPromptSubmit", payload: { prompt: "no" } }),
    ]);
    await waitFor(() => received.length === 1, 5_000, "filtered event");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([expect.objectContaining({ type: "prompt.submitted", agentId: seed!.agentId })]);
    sub.unsubscribe();
    await waitFor(() => server.room.bus.listenerCount("events") === listenersBefore, 5_000, "listener released");
  });
});
