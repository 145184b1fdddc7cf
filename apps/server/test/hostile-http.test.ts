import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseIngestEvent } from "@rozet/api";
import { describe, expect, it } from "vitest";
import { clientFor, legacyEvent, postJson, removeHome, serverForFile, startTestServer, type TestServer } from "./harness.ts";
import { execOnStore } from "./test-store.ts";

let server: TestServer;
let client: ReturnType<typeof clientFor>;
serverForFile((started, c) => {
  server = started;
  client = c;
});

/** A raw request, so tests control every byte of the path, headers and body. */
function raw(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; port?: number }) {
  return new Promise<{ status: number; text: string; error?: string }>((resolve) => {
    const req = http.request({ host: "127.0.0.1", port: opts.port ?? server.port, method: opts.method ?? "GET", path: opts.path, headers: opts.headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", (e) => resolve({ status: res.statusCode ?? 0, text, error: e.message }));
      res.on("aborted", () => resolve({ status: res.statusCode ?? 0, text, error: "aborted" }));
    });
    req.on("error", (e) => resolve({ status: 0, text: "", error: e.message }));
    req.end(opts.body);
  });
}

async function expectAlive() {
  const health = await raw({ path: "/healthz" });
  expect(health.status).toBe(200);
}

function nested(levels: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = { d: value };
  return value;
}

async function sessionOf(name: string) {
  return (await client.api.session.list.query()).find((s) => s.name === name);
}

describe("malformed percent-escapes in URLs", () => {
  it("an export path with a broken escape is a 400 and the server lives", async () => {
    for (const format of ["ndjson", "json", "zip"]) {
      const res = await raw({ path: `/api/sessions/%E0%A4%A/export.${format}` });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).error).toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("session id") });
    }
    await expectAlive();
  });

  it("a static path with a broken escape is a 400 (with the web app served)", async () => {
    const webDist = mkdtempSync(path.join(os.tmpdir(), "rozet-web-"));
    writeFileSync(path.join(webDist, "index.html"), "<!doctype html><title>t</title>");
    const own = await startTestServer({ webDist });
    try {
      expect((await raw({ port: own.port, path: "/assets/%E0%A4%A.js" })).status).toBe(400);
      expect((await raw({ port: own.port, path: "/sessions/x" })).status).toBe(200);
    } finally {
      await own.close();
      removeHome(own.home);
      rmSync(webDist, { recursive: true, force: true });
    }
  });
});

describe("payload nesting limit", () => {
  // As text: JSON.stringify itself overflows on such a value, which is the point.
  const deepText = `${'{"d":'.repeat(10_000)}1${"}".repeat(10_000)}`;
  const deep = () => JSON.stringify(legacyEvent(1, { source_app: "deep-app", payload: { marker: 1 } })).replace('{"marker":1}', deepText);
  const shallow = () => JSON.stringify(legacyEvent(0, { source_app: "deep-app" }));

  it("REST ingest refuses a 10,000-level payload with a 400 naming the limit, single and batch", async () => {
    for (const body of [deep(), `[${shallow()},${deep()}]`, `{"events":[${deep()}]}`]) {
      for (const path of ["/events", "/api/events"]) {
        const before = await server.room.events.lastSeq();
        const res = await postJson(`${server.url}${path}`, body);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe("INVALID_INPUT");
        expect(res.body.error.message).toMatch(/nest.*64/);
        await server.room.writer.flushNow();
        expect(await server.room.events.lastSeq()).toBe(before);
      }
    }
    const at64 = await postJson(`${server.url}/events`, legacyEvent(1, { source_app: "deep-ok", payload: nested(63) as Record<string, unknown> }));
    expect(at64.status).toBe(200);
    await expectAlive();
  });

  it("/hooks/claude refuses a deeply nested hook payload", async () => {
    const res = await postJson(`${server.url}/hooks/claude?app=deep-hook`, `{"session_id":"s1","hook_event_name":"Stop","extra":${deepText}}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/nest.*64/);
    expect(await sessionOf("deep-hook")).toBeUndefined();
  });

  it("tRPC inputs carrying free-form JSON refuse deep nesting with BAD_REQUEST", async () => {
    // Sent as text: a typed client could not even serialize such a value.
    const deepText = `${'{"d":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    const ingest = await raw({
      method: "POST",
      path: "/trpc/event.ingest",
      headers: { "content-type": "application/json" },
      body: `{"events":[{"source_app":"deep-trpc","session_id":"s","hook_event_type":"Stop","payload":${deepText}}]}`,
    });
    expect(ingest.status).toBe(400);
    expect(JSON.parse(ingest.text).error.message).toMatch(/nest.*64/);
    expect(await sessionOf("deep-trpc")).toBeUndefined();
    await expect(
      client.api.agent.respondPermission.mutate({ requestId: "nope", answer: { behavior: "allow", updatedInput: nested(200) as Record<string, unknown> } }),
    ).rejects.toMatchObject({ data: { code: "BAD_REQUEST", fieldErrors: { answer: [expect.stringMatching(/nest.*64/)] } } });
    await expectAlive();
  });

  it("rows stored by older versions with deep payloads do not crash event.get or any export", async () => {
    const event = parseIngestEvent(legacyEvent(1, { source_app: "old-deep" }));
    const deepText = JSON.stringify("bottom");
    const payloadJson = `${"{\"d\":".repeat(10_000)}${deepText}${"}".repeat(10_000)}`;
    const [stored] = await server.room.writer.append([{ ...event, payloadJson }]);
    const got = await client.api.event.get.query({ seq: stored!.seq });
    expect(got.seq).toBe(stored!.seq);
    expect(JSON.stringify(got.payload)).toMatch(/deeper than 64/);
    const session = await sessionOf("old-deep");
    for (const format of ["ndjson", "json", "zip"]) {
      const res = await raw({ path: `/api/sessions/${session!.id}/export.${format}` });
      expect(res.error).toBeUndefined();
      expect(res.status).toBe(200);
      if (format !== "zip") expect(res.text).toMatch(/deeper than 64/);
    }
    await expectAlive();
  });
});

describe("export failures mid-stream", () => {
  it("a read error after the headers went out is logged and ends each download cleanly; the server lives", async () => {
    const own = await startTestServer();
    try {
      const res = await postJson(`${own.url}/events`, [legacyEvent(1, { source_app: "breaks" }), legacyEvent(2, { source_app: "breaks" })]);
      const sessionId = res.body.results[0].sessionId as string;
      // Pull the events table out from under the running server: every export page read now fails.
      await execOnStore(own.home, `ALTER TABLE "Event" RENAME TO "EventGone"`);
      for (const format of ["ndjson", "json", "zip"]) {
        const download = await raw({ port: own.port, path: `/api/sessions/${sessionId}/export.${format}` });
        expect(download.status, format).toBe(200);
        expect(download.error, format).toBeUndefined();
      }
      expect((await raw({ port: own.port, path: "/healthz" })).status).toBe(200);
    } finally {
      await own.close().catch(() => undefined);
      removeHome(own.home);
    }
  });
});

describe("ingest content type and encoding", () => {
  it("refuses non-JSON content types with 415 and accepts JSON ones", async () => {
    const body = JSON.stringify(legacyEvent(1, { source_app: "ctype-app" }));
    for (const type of ["text/plain", "application/x-www-form-urlencoded", undefined, "application/json; charset=latin1"]) {
      for (const path of ["/events", "/api/events", "/hooks/claude"]) {
        const res = await raw({ method: "POST", path, headers: type ? { "content-type": type } : {}, body });
        expect(res.status, `${type} ${path}`).toBe(415);
        expect(JSON.parse(res.text).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      }
    }
    expect(await sessionOf("ctype-app")).toBeUndefined();
    for (const type of ["application/json", "Application/JSON; charset=UTF-8", "application/vnd.rozet+json"]) {
      const res = await raw({ method: "POST", path: "/events", headers: { "content-type": type }, body });
      expect(res.status, type).toBe(200);
    }
  });

  it("refuses invalid UTF-8 with 400 instead of folding distinct ids into U+FFFD", async () => {
    const prefix = Buffer.from('{"source_app":"utf8-app-');
    const rest = Buffer.from('","session_id":"s","hook_event_type":"Stop","payload":{}}');
    for (const bad of [[0xff], [0xc3, 0x28], [0xe0, 0xa4]]) {
      const res = await raw({ method: "POST", path: "/events", headers: { "content-type": "application/json" }, body: Buffer.concat([prefix, Buffer.from(bad), rest]) });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).error.message).toMatch(/UTF-8/);
    }
    const sessions = await client.api.session.list.query();
    expect(sessions.filter((s) => s.name.startsWith("utf8-app-"))).toEqual([]);
  });
});
