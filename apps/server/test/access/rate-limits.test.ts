import { request } from "node:http";
import { TokenBuckets } from "@rozet/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { legacyEvent, removeHome, startTestServer, type TestServer } from "../harness.ts";

const ADMIN = "limits-admin-token-0123456789";

/** POST over real HTTP from a chosen loopback source address (127.0.0.x), to tell clients apart by address. */
function post(server: TestServer, pathName: string, body: unknown, token: string, from = "127.0.0.1") {
  return new Promise<{ status: number; retryAfter: string | undefined; body: { error?: { code?: string; message?: string; data?: { domainCode?: string } } } }>((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      { host: "127.0.0.1", port: server.port, path: pathName, method: "POST", localAddress: from, headers: { "content-type": "application/json", authorization: `Bearer ${token}` } },
      (res) => {
        let data = "";
        res.on("data", (chunk: Buffer) => (data += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], body: JSON.parse(data) as never }));
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

const createSession = (server: TestServer, token: string, from?: string) => post(server, "/trpc/session.create", { name: "limited" }, token, from);

describe("rate limits (token buckets per token and per client address)", () => {
  let server: TestServer;
  let first: string;
  let second: string;
  beforeAll(async () => {
    server = await startTestServer({ token: ADMIN, rateLimits: { mutations: { perSecond: 0.01, burst: 3 }, ingest: { perSecond: 0.01, burst: 2 } } });
    // Token creation is a mutation too: from another address, so the buckets under test start full.
    const create = async (name: string) => (await post(server, "/trpc/token.create", { name, role: "operator" }, ADMIN, "127.0.0.9")).body as unknown as { result: { data: { secret: string } } };
    first = (await create("first")).result.data.secret;
    second = (await create("second")).result.data.secret;
  });
  afterAll(async () => {
    await server.close();
    removeHome(server.home);
  });

  it("a token that spent its burst gets 429 with Retry-After, from any address; another token is held back by the address", async () => {
    for (let i = 0; i < 3; i++) expect((await createSession(server, first)).status).toBe(200);
    const limited = await createSession(server, first);
    expect(limited.status).toBe(429);
    expect(limited.body.error?.data?.domainCode).toBe("RATE_LIMITED");
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    // REST calls the same procedures: the same 429 and Retry-After.
    const rest = await post(server, "/api/sessions", { name: "limited" }, first);
    expect(rest).toMatchObject({ status: 429, body: { error: { code: "RATE_LIMITED" } } });
    expect(Number(rest.retryAfter)).toBeGreaterThanOrEqual(1);
    // Per token: a fresh address does not help the token that spent its burst.
    const elsewhere = await createSession(server, first, "127.0.0.2");
    expect(elsewhere.status).toBe(429);
    expect(elsewhere.body.error?.message).toContain("token first");
    // Per address: another token from the address that spent its burst is held back; from a fresh address it is not.
    expect((await createSession(server, second, "127.0.0.3")).status).toBe(200);
    const sameAddress = await createSession(server, second, "127.0.0.1");
    expect(sameAddress.status).toBe(429);
    expect(sameAddress.body.error?.message).toContain("address 127.0.0.1");
    // Queries are not limited.
    const query = await fetch(`${server.url}/trpc/session.list`, { headers: { authorization: `Bearer ${first}` } });
    expect(query.status).toBe(200);
  });

  it("hook ingest from loopback is not throttled by default", async () => {
    for (let i = 0; i < 10; i++) expect((await post(server, "/events", legacyEvent(i), second)).status).toBe(200);
  });
});

describe("ingest rate limits", () => {
  it("throttles ingest per address and token when loopback is throttled too (429, Retry-After, RATE_LIMITED)", async () => {
    const server = await startTestServer({ token: ADMIN, rateLimits: { ingest: { perSecond: 0.01, burst: 2 }, throttleLoopbackIngest: true } });
    try {
      expect((await post(server, "/events", legacyEvent(1), ADMIN)).status).toBe(200);
      expect((await post(server, "/api/events", [legacyEvent(2)], ADMIN)).status).toBe(200);
      const limited = await post(server, "/hooks/claude?app=x", { session_id: "s", hook_event_name: "Stop" }, ADMIN);
      expect(limited).toMatchObject({ status: 429, body: { error: { code: "RATE_LIMITED" } } });
      expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
      // Mutations have their own buckets.
      expect((await createSession(server, ADMIN)).status).toBe(200);
    } finally {
      await server.close();
      removeHome(server.home);
    }
  });
});

describe("TokenBuckets", () => {
  it("refills at its rate up to its burst and says how long to wait", () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 2 }, () => now);
    expect([buckets.take("a"), buckets.take("a"), buckets.take("a")]).toEqual([0, 0, 1]);
    expect(buckets.take("b")).toBe(0);
    now += 500;
    expect([buckets.take("a"), buckets.take("a")]).toEqual([0, 1]);
    now += 10_000;
    expect([buckets.take("a"), buckets.take("a"), buckets.take("a")]).toEqual([0, 0, 1]);
    const slow = new TokenBuckets({ perSecond: 0.1, burst: 1 }, () => now);
    expect([slow.take("x"), slow.take("x")]).toEqual([0, 10]);
  });
});
