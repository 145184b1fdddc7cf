import { requiredRole } from "@rozet/api";
import { createRozetClient } from "@rozet/api/client";
import { roleAllows, type Role } from "@rozet/vocabulary";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeHome, startTestServer, type TestServer } from "../harness.ts";
import { callOverHttp, createToken, routerProcedures } from "./access-helpers.ts";

/**
 * The decision for every procedure of the router: who may call it. A procedure added without a line here fails
 * the first test; a line whose procedure is gone fails it too.
 */
const decisions: Record<string, Role | "public"> = {
  "system.health": "public",
  "system.access": "public",
  "system.info": "viewer",
  "system.telemetry": "viewer",
  "session.create": "operator",
  "session.update": "operator",
  "session.list": "viewer",
  "session.get": "viewer",
  "session.archive": "operator",
  "session.delete": "admin",
  "session.metrics": "viewer",
  "session.overview": "viewer",
  "agent.create": "operator",
  "agent.list": "viewer",
  "agent.get": "viewer",
  "agent.command": "operator",
  "agent.commands": "viewer",
  "agent.interrupt": "operator",
  "agent.stop": "operator",
  "agent.resume": "operator",
  "agent.setMode": "operator",
  "agent.setBudget": "operator",
  "agent.respondPermission": "operator",
  "task.create": "operator",
  "task.list": "viewer",
  "task.get": "viewer",
  "task.cancel": "operator",
  "task.resolveConflict": "operator",
  "task.addArtifact": "operator",
  "plan.create": "operator",
  "plan.list": "viewer",
  "plan.get": "viewer",
  "plan.update": "operator",
  "plan.approve": "operator",
  "plan.decide": "operator",
  "plan.cancel": "operator",
  "event.ingest": "operator",
  "event.timeline": "viewer",
  "event.histogram": "viewer",
  "event.window": "viewer",
  "event.runLog": "viewer",
  "event.get": "viewer",
  "event.subscribe": "viewer",
  "control.onUpdate": "viewer",
  "permission.list": "viewer",
  "permission.rules": "viewer",
  "permission.addRule": "admin",
  "permission.deleteRule": "admin",
  "token.list": "admin",
  "token.create": "admin",
  "token.revoke": "admin",
  "audit.list": "admin",
  "runner.register": "operator",
  "runner.heartbeat": "operator",
  "runner.poll": "operator",
  "runner.ack": "operator",
  "runner.report": "operator",
};

const ADMIN = "admin-token-0123456789abcdef";
/** An input no procedure accepts: an allowed caller gets 400 (and nothing changes), a refused one 401/403. */
const NOT_AN_INPUT = "walk";

let server: TestServer;
const tokens: Record<string, string | null> = { nobody: null };

beforeAll(async () => {
  server = await startTestServer({ token: ADMIN });
  tokens.admin = ADMIN;
  tokens.viewer = await createToken(server.url, ADMIN, "walk-viewer", "viewer");
  tokens.operator = await createToken(server.url, ADMIN, "walk-operator", "operator");
  tokens.namedAdmin = await createToken(server.url, ADMIN, "walk-admin", "admin");
});
afterAll(async () => {
  await server.close();
  removeHome(server.home);
});

const callers: { caller: string; role: Role | null }[] = [
  { caller: "nobody", role: null },
  { caller: "viewer", role: "viewer" },
  { caller: "operator", role: "operator" },
  { caller: "namedAdmin", role: "admin" },
  { caller: "admin", role: "admin" },
];

function expectedStatus(need: Role | "public", role: Role | null): "allowed" | 401 | 403 {
  if (need === "public") return "allowed";
  if (role === null) return 401;
  return roleAllows(role, need) ? "allowed" : 403;
}

describe("every procedure checks its role", () => {
  it("has a decision for every procedure of the router, and the router's own rule agrees with it", () => {
    const procedures = routerProcedures();
    expect(procedures.map((p) => p.path).sort()).toEqual(Object.keys(decisions).sort());
    for (const { path, type, meta } of procedures) expect([path, requiredRole(meta, type)]).toEqual([path, decisions[path]]);
  });

  it("queries and mutations over HTTP: each role against each procedure", async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const procedure of routerProcedures().filter((p) => p.type !== "subscription")) {
      for (const { caller, role } of callers) {
        const { status } = await callOverHttp(server.url, procedure, tokens[caller]!, NOT_AN_INPUT);
        outcomes.push(`${procedure.path} ${caller} ${status === 401 || status === 403 ? status : "allowed"}`);
        expected.push(`${procedure.path} ${caller} ${expectedStatus(decisions[procedure.path]!, role)}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it("subscriptions over the WebSocket: each role against each subscription", async () => {
    for (const procedure of routerProcedures().filter((p) => p.type === "subscription")) {
      for (const { caller, role } of callers) {
        const client = createRozetClient({ url: server.url, token: tokens[caller] ?? undefined });
        try {
          const code = await new Promise<string>((resolve) => {
            const target = procedure.path.split(".").reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, client.api as never) as unknown as {
              subscribe(input: unknown, handlers: { onError(error: { data?: { code?: string } }): void; onStarted(): void }): { unsubscribe(): void };
            };
            const sub = target.subscribe(NOT_AN_INPUT, {
              onError: (error) => {
                sub.unsubscribe();
                resolve(error.data?.code ?? "unknown");
              },
              onStarted: () => {
                sub.unsubscribe();
                resolve("started");
              },
            });
          });
          const outcome = code === "UNAUTHORIZED" ? 401 : code === "FORBIDDEN" ? 403 : "allowed";
          expect(`${procedure.path} ${caller} ${outcome}`).toBe(`${procedure.path} ${caller} ${expectedStatus(decisions[procedure.path]!, role)}`);
        } finally {
          await client.close();
        }
      }
    }
  });

  it("REST routes (the same procedures): each role against each route of the OpenAPI document", async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    const routes = routerProcedures().flatMap((p) => (p.meta?.openapi ? [{ procedure: p.path, method: p.meta.openapi.method, path: p.meta.openapi.path }] : []));
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      // Ids that name nothing and no body: an allowed caller gets 400/404 (nothing changes), a refused one 401/403.
      const url = `${server.url}${route.path.replace(/\{[^}]+\}/g, "walk-id")}`;
      for (const { caller, role } of callers) {
        const token = tokens[caller];
        const headers: Record<string, string> = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
        const res = await fetch(url, { method: route.method, headers, ...(route.method === "GET" ? {} : { body: "{}" }) });
        await res.arrayBuffer();
        outcomes.push(`${route.method} ${route.path} ${caller} ${res.status === 401 || res.status === 403 ? res.status : "allowed"}`);
        expected.push(`${route.method} ${route.path} ${caller} ${expectedStatus(decisions[route.procedure]!, role)}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it("the server's own routes: ingest needs an operator, exports and /metrics a viewer", async () => {
    const session = (await (await fetch(`${server.url}/trpc/session.create`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ name: "walk" }),
    }).then((r) => r.json())) as { result: { data: { id: string } } }).result.data;
    const routes = [
      { name: "POST /events", need: "operator" as const, send: (h: Record<string, string>) => fetch(`${server.url}/events`, { method: "POST", headers: { ...h, "content-type": "application/json" }, body: "{}" }) },
      { name: "POST /api/events", need: "operator" as const, send: (h: Record<string, string>) => fetch(`${server.url}/api/events`, { method: "POST", headers: { ...h, "content-type": "application/json" }, body: "{}" }) },
      { name: "POST /hooks/claude", need: "operator" as const, send: (h: Record<string, string>) => fetch(`${server.url}/hooks/claude`, { method: "POST", headers: { ...h, "content-type": "application/json" }, body: "[]" }) },
      { name: "GET export", need: "viewer" as const, send: (h: Record<string, string>) => fetch(`${server.url}/api/sessions/${session.id}/export.json`, { headers: h }) },
      { name: "GET /metrics", need: "viewer" as const, send: (h: Record<string, string>) => fetch(`${server.url}/metrics`, { headers: h }) },
    ];
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const route of routes) {
      for (const { caller, role } of callers) {
        const token = tokens[caller];
        const res = await route.send(token ? { authorization: `Bearer ${token}` } : {});
        await res.arrayBuffer();
        outcomes.push(`${route.name} ${caller} ${res.status === 401 || res.status === 403 ? res.status : "allowed"}`);
        expected.push(`${route.name} ${caller} ${expectedStatus(route.need, role)}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it("a revoked token stops working at its next request; the secret is shown once and stored only hashed", async () => {
    const secret = await createToken(server.url, ADMIN, "short-lived", "viewer");
    expect(secret).toMatch(/^rzt_[A-Za-z0-9_-]{43}$/);
    const info = { path: "system.info", type: "query" as const };
    expect((await callOverHttp(server.url, info, secret, undefined)).status).toBe(200);
    const listed = await fetch(`${server.url}/trpc/token.list`, { headers: { authorization: `Bearer ${ADMIN}` } }).then((r) => r.text());
    expect(listed).toContain("short-lived");
    expect(listed).not.toContain(secret);
    const revoke = await fetch(`${server.url}/trpc/token.revoke`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ token: "short-lived" }),
    });
    expect(revoke.status).toBe(200);
    expect(await callOverHttp(server.url, info, secret, undefined)).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
  });
});
