import http from "node:http";
import { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { startServer } from "../src/server.ts";
import { clientFor, legacyEvent, postJson, removeHome, serverForFile, startTestServer, tempHome, type TestServer } from "./harness.ts";

let server: TestServer;
serverForFile((started) => void (server = started));

function rawRequest(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: opts.method ?? "POST", path: opts.path, headers: { "content-type": "application/json", ...opts.headers } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** Each bad request gets its error and stores nothing. */
async function expectRefusedAndNothingStored(attempt: () => Promise<{ status: number; body: any }>, status: number, code: string) {
  const before = await server.room.events.lastSeq();
  const res = await attempt();
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe("string");
  await server.room.writer.flushNow();
  expect(await server.room.events.lastSeq()).toBe(before);
  return res.body.error;
}

describe("bad ingest input", () => {
  const url = () => `${server.url}/events`;

  it("malformed JSON", async () => {
    const error = await expectRefusedAndNothingStored(() => postJson(url(), '{"source_app": "x",'), 400, "INVALID_INPUT");
    expect(error.message).toMatch(/not valid JSON/);
  });

  it("wrong types, naming the field", async () => {
    const error = await expectRefusedAndNothingStored(() => postJson(url(), legacyEvent(1, { session_id: 42 })), 400, "INVALID_INPUT");
    expect(error.details.issues).toEqual([{ path: "0.session_id", message: expect.stringContaining("string") }]);
  });

  it("a batch with one bad event stores none of it", async () => {
    const error = await expectRefusedAndNothingStored(
      () => postJson(`${server.url}/api/events`, [legacyEvent(1), legacyEvent(2), { ...legacyEvent(3), payload: "nope" }]),
      400,
      "INVALID_INPUT",
    );
    expect(error.details.index).toBe(2);
  });

  it("oversize request", async () => {
    const error = await expectRefusedAndNothingStored(
      () => postJson(url(), legacyEvent(1, { payload: { blob: "x".repeat(17 * 1024 * 1024) } })),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    expect(error.details.limit).toBe("request");
  });

  it("oversize payload", async () => {
    const error = await expectRefusedAndNothingStored(
      () => postJson(url(), legacyEvent(1, { payload: { blob: "x".repeat(4 * 1024 * 1024 + 10) } })),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    expect(error.details).toMatchObject({ limit: "payload", max: 4 * 1024 * 1024, index: 0 });
  });

  it("too many events in one batch", async () => {
    const error = await expectRefusedAndNothingStored(
      () => postJson(`${server.url}/api/events`, Array.from({ length: 1_001 }, (_, i) => legacyEvent(i))),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    expect(error.details).toMatchObject({ limit: "batch", max: 1_000, actual: 1_001 });
  });

  it("unknown schema version", async () => {
    const error = await expectRefusedAndNothingStored(() => postJson(url(), { ...legacyEvent(1), schema_version: 3 }), 422, "UNSUPPORTED_SCHEMA_VERSION");
    expect(error.message).toMatch(/schema_version 3 is not supported/);
  });

  it("control characters in identifiers and summaries", async () => {
    await expectRefusedAndNothingStored(() => postJson(url(), legacyEvent(1, { source_app: "evil\u0000app" })), 400, "INVALID_INPUT");
    const error = await expectRefusedAndNothingStored(() => postJson(url(), legacyEvent(1, { summary: "bell\u0007" })), 400, "INVALID_INPUT");
    expect(error.details.issues[0].message).toMatch(/control characters/);
  });

  it("a v2 event without an event_id", async () => {
    const { event_id: _, ...rest } = { ...legacyEvent(1), schema_version: 2, event_id: "x" };
    const error = await expectRefusedAndNothingStored(() => postJson(url(), rest), 400, "INVALID_INPUT");
    expect(error.details.issues[0].path).toBe("0.event_id");
  });

  it("a catalogue type with a status the catalogue does not allow for it, naming the field", async () => {
    const event = { ...legacyEvent(1), schema_version: 2, event_id: "bad-status-1", type: "tool.finished", status: "exploded" };
    const error = await expectRefusedAndNothingStored(() => postJson(url(), event), 400, "INVALID_INPUT");
    expect(error.details.issues[0].path).toBe("0.status");
    expect(error.details.issues[0].message).toContain("ok, error, cancelled");
  });

  it("a type outside the catalogue is stored as sent, any status (docs/events.md §7)", async () => {
    const event = { ...legacyEvent(1), schema_version: 2, event_id: "custom-type-1", type: "ci.build_finished", status: "green", payload: { build: 4711 } };
    const res = await postJson(url(), event);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1 });
  });

  it("tRPC ingest reports the same errors with domain codes", async () => {
    const client = clientFor(server.url);
    const before = await server.room.events.lastSeq();
    await expect(client.api.event.ingest.mutate({ events: [{ ...legacyEvent(1), schema_version: 7 } as never] })).rejects.toMatchObject({
      data: { code: "UNPROCESSABLE_CONTENT", httpStatus: 422, domainCode: "UNSUPPORTED_SCHEMA_VERSION" },
    });
    await expect(client.api.event.timeline.query({ sessionId: "x", limit: 501 })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST", fieldErrors: { limit: [expect.any(String)] } },
    });
    expect(await server.room.events.lastSeq()).toBe(before);
    await client.close();
  });
});

describe("host, origin and token checks", () => {
  it("refuses a foreign Host header (DNS rebinding)", async () => {
    await expectRefusedAndNothingStored(
      () => rawRequest(server.port, { path: "/events", headers: { host: "evil.example:4800" }, body: JSON.stringify(legacyEvent(1)) }),
      421,
      "BAD_HOST",
    );
    const read = await rawRequest(server.port, { method: "GET", path: "/trpc/session.list", headers: { host: "evil.example" } });
    expect(read.status).toBe(421);
  });

  it("refuses a foreign Origin for writes, reads and WebSocket upgrades", async () => {
    await expectRefusedAndNothingStored(
      () => rawRequest(server.port, { path: "/events", headers: { origin: "https://evil.example" }, body: JSON.stringify(legacyEvent(1)) }),
      403,
      "FORBIDDEN_ORIGIN",
    );
    const read = await rawRequest(server.port, { method: "GET", path: "/trpc/session.list", headers: { origin: "https://evil.example" } });
    expect(read.status).toBe(403);
    const upgrade = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/trpc`, { origin: "https://evil.example" });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => undefined);
    });
    expect(upgrade).toBe(403);
    // The page's own origin is fine.
    const own = await rawRequest(server.port, { method: "GET", path: "/trpc/system.health", headers: { origin: server.url } });
    expect(own.status).toBe(200);
  });

  it("refuses to bind a non-loopback address without a token", async () => {
    await expect(startServer({ home: tempHome(), host: "0.0.0.0", port: 0, quiet: true })).rejects.toThrow(/requires ROZET_TOKEN/);
  });

  it("requires the token on every route but health when one is set", async () => {
    const token = "a-very-secret-token-123";
    const guarded = await startTestServer({ host: "0.0.0.0", token });
    try {
      const before = await guarded.room.events.lastSeq();
      const denied = await rawRequest(guarded.port, { path: "/events", headers: { host: "127.0.0.1" }, body: JSON.stringify(legacyEvent(1)) });
      expect(denied.status).toBe(401);
      const wrong = await rawRequest(guarded.port, { path: "/events", headers: { authorization: "Bearer wrong-token-wrong-token" }, body: JSON.stringify(legacyEvent(1)) });
      expect(wrong.status).toBe(401);
      expect(await guarded.room.events.lastSeq()).toBe(before);

      const url = `http://127.0.0.1:${guarded.port}`;
      const anonymous = clientFor(url);
      expect((await anonymous.api.system.health.query()).ok).toBe(true);
      await expect(anonymous.api.session.list.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      const anonymousSub = await new Promise<string>((resolve) => {
        anonymous.api.event.subscribe.subscribe({}, { onError: (e) => resolve(e.data?.code ?? e.message), onData: () => resolve("data") });
      });
      expect(anonymousSub).toBe("UNAUTHORIZED");
      await anonymous.close();

      const operator = clientFor(url, token);
      expect(Array.isArray(await operator.api.session.list.query())).toBe(true);
      const ok = await rawRequest(guarded.port, { path: "/events", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(legacyEvent(1)) });
      expect(ok.status).toBe(200);
      await operator.close();
    } finally {
      await guarded.close();
      removeHome(guarded.home);
    }
  });
});
