import { describe, expect, it } from "vitest";
import { callProcedure, storedCounts } from "./fuzz/wire.ts";
import { legacyEvent, postJson, serverForFile, type TestServer } from "./harness.ts";

/** Defects the property-based tests (fuzz-router, fuzz-ingest) found, each pinned by its shrunk example. */
let server: TestServer;
serverForFile((started) => {
  server = started;
});

describe("fuzz findings", () => {
  it("a lone surrogate in an id or a name is refused naming the field (was a 500 from Prisma)", async () => {
    const before = await storedCounts(server);
    const get = await callProcedure(server, "session.get", "query", JSON.stringify({ id: "x\udc00y" }));
    expect(get.status).toBe(400);
    expect(get.json.error.data.details.issues[0].path).toBe("id");
    const create = await callProcedure(server, "session.create", "mutation", JSON.stringify({ name: "ok", workspace: "w\ud800" }));
    expect(create.status).toBe(400);
    expect(create.json.error.message).toMatch(/workspace/);
    const command = await callProcedure(server, "task.create", "mutation", JSON.stringify({ sessionId: "s", title: "t", prompt: "p", dependsOn: ["a", "\udfff"] }));
    expect(command.status).toBe(400);
    expect(command.json.error.data.details.issues[0].path).toBe("dependsOn.1");
    expect(await storedCounts(server)).toEqual(before);
  });

  it("a workspace the file system cannot create (a folder name over 255 bytes) is a 400 naming workspace (was a 500 ENAMETOOLONG)", async () => {
    const before = await storedCounts(server);
    const create = await callProcedure(server, "session.create", "mutation", JSON.stringify({ name: "long", workspace: "x".repeat(300) }));
    expect(create.status).toBe(400);
    expect(create.json.error.data.domainCode).toBe("INVALID_INPUT");
    expect(create.json.error.data.details.field).toBe("workspace");
    expect(await storedCounts(server)).toEqual(before);
  });

  it("a hook event type named like an Object.prototype member (valueOf, constructor) is stored as hook.<name> (was a 500)", async () => {
    for (const hook of ["valueOf", "constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const res = await postJson(`${server.url}/events`, legacyEvent(1, { source_app: "fuzz-proto-hooks", hook_event_type: hook }));
      expect(res.status, hook).toBe(200);
      const seq = res.body.results[0].seq as number;
      const stored = await callProcedure(server, "event.get", "query", JSON.stringify({ seq }));
      expect(stored.json.result.data.type, hook).toBe(`hook.${hook}`);
      expect(stored.json.result.data.hookEventType, hook).toBe(hook);
    }
  });

  it("REST ingest refuses a lone surrogate in an event's fields naming event and field (was stored altered, as U+FFFD)", async () => {
    const before = await storedCounts(server);
    const res = await postJson(`${server.url}/api/events`, [legacyEvent(1, { source_app: "fuzz-ok" }), legacyEvent(2, { source_app: "fuzz-\ud800" })]);
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].path).toBe("1.source_app");
    const summary = await postJson(`${server.url}/events`, legacyEvent(3, { summary: "half a pair \udc00" }));
    expect(summary.status).toBe(400);
    expect(summary.body.error.details.issues[0].path).toBe("0.summary");
    expect(await storedCounts(server)).toEqual(before);
  });

  it("listing the agents or tasks of a session that does not exist is a 404 naming it (was 200 with an empty list)", async () => {
    const unknown = "00000000-0000-4000-8000-00000000beef";
    for (const path of ["agent.list", "task.list"]) {
      const res = await callProcedure(server, path, "query", JSON.stringify({ sessionId: unknown }));
      expect(res.status, path).toBe(404);
      expect(res.json.error.data.details, path).toEqual({ what: "session", id: unknown });
    }
  });

  it("a schema_version that is a deeply nested array is refused 422 naming the versions (was a 500: the message serialized it)", async () => {
    const before = await storedCounts(server);
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const text = `{"schema_version":${deep},"source_app":"a","session_id":"s","hook_event_type":"Stop","payload":{}}`;
    const res = await fetch(`${server.url}/api/events`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
    const body = (await res.json()) as any;
    expect(res.status).toBe(422);
    expect(body.error.code).toBe("UNSUPPORTED_SCHEMA_VERSION");
    expect(body.error.details.supported).toEqual([1, 2]);
    expect(await storedCounts(server)).toEqual(before);
  });
});
