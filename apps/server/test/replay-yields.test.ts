import { describe, expect, it } from "vitest";
import { clientFor, legacyEvent, postJson, serverForFile, waitFor, type TestServer } from "./harness.ts";

const EVENTS = 30_000;
const BATCH = 1_000;
const SUBSCRIBERS = 3;
/**
 * A replay that never yields held /healthz for 1–3 s here; one that yields between pages stays in the tens of ms.
 * The limit leaves a wide margin for a loaded machine (two cores shared by several test runs).
 */
const MAX_HEALTHZ_MS = 400;

let server: TestServer;
serverForFile((started) => {
  server = started;
});

/** Polls /healthz back to back until `done()`, returning every round-trip time. */
async function pollHealthz(url: string, done: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!done()) {
    const started = performance.now();
    const res = await fetch(`${url}/healthz`);
    await res.text();
    latencies.push(performance.now() - started);
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return latencies;
}

describe("event.subscribe replay", () => {
  it("yields to the event loop: /healthz stays fast while several subscribers replay 30k events from 0", async () => {
    let sessionId = "";
    for (let from = 0; from < EVENTS; from += BATCH) {
      const events = Array.from({ length: BATCH }, (_, i) => legacyEvent(from + i, { source_app: "replay-yields" }));
      const res = await postJson(`${server.url}/api/events`, { events });
      expect(res.status).toBe(200);
      sessionId = res.body.results[0].sessionId;
    }

    const clients = Array.from({ length: SUBSCRIBERS }, () => clientFor(server.url));
    const received = clients.map(() => ({ count: 0, last: 0, ordered: true }));
    const subscriptions = clients.map((client, i) =>
      client.api.event.subscribe.subscribe(
        { sessionId, lastEventId: "0" },
        {
          onData: ({ data }) => {
            const r = received[i]!;
            if (data.seq <= r.last) r.ordered = false;
            r.last = data.seq;
            r.count++;
          },
        },
      ),
    );
    try {
      const allReplayed = () => received.every((r) => r.count >= EVENTS);
      const replay = waitFor(allReplayed, 120_000, "every subscriber to replay the history");
      const latencies = await pollHealthz(server.url, allReplayed);
      await replay;
      const max = Math.max(...latencies);
      console.log(`healthz during replay: n=${latencies.length} max=${max.toFixed(1)} ms`);
      expect(received.map((r) => [r.count, r.ordered])).toEqual(received.map(() => [EVENTS, true]));
      expect(latencies.length).toBeGreaterThan(3);
      expect(max).toBeLessThan(MAX_HEALTHZ_MS);
    } finally {
      for (const sub of subscriptions) sub.unsubscribe();
      await Promise.all(clients.map((c) => c.close()));
    }
  }, 180_000);

  it("an export of the whole session yields too: /healthz stays fast while two exports stream 30k events", async () => {
    const res = await postJson(`${server.url}/api/events`, [legacyEvent(0, { source_app: "replay-yields" })]);
    const sessionId = res.body.results[0].sessionId as string;
    let finished = 0;
    const exports = [0, 1].map(async () => {
      const download = await fetch(`${server.url}/api/sessions/${sessionId}/export.ndjson`);
      const text = await download.text();
      finished++;
      return text.split("\n").filter(Boolean).length;
    });
    const latencies = await pollHealthz(server.url, () => finished === 2);
    const lines = await Promise.all(exports);
    const max = Math.max(...latencies);
    console.log(`healthz during export: n=${latencies.length} max=${max.toFixed(1)} ms`);
    expect(lines).toEqual([EVENTS + 1, EVENTS + 1]);
    expect(max).toBeLessThan(MAX_HEALTHZ_MS);
  }, 180_000);
});
