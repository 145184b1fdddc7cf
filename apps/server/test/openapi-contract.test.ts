import { appRouter, type OpenAPIObject } from "@rozet/api";
import { submitPlanStep } from "@rozet/model-stub";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";

/**
 * The REST API against its own OpenAPI document, over real HTTP, with a real Claude Code agent (through the model
 * stub) so that every route answers with real data: each answer (errors included) is validated against the
 * document's schema for its status, and every route of the document must have answered 2xx at least once.
 */
const TOKEN = "contract-test-token-0123456789";
const PLANNER = { lastUserTextIncludes: "You are the planner" };
const scenario = {
  steps: [
    // The planner's requests only (steps with a match never take another request).
    submitPlanStep([{ key: "check", title: "check", prompt: "exit 1", agentProfile: { driver: "shell" } }], { match: PLANNER }),
    { match: PLANNER, content: [{ text: "Submitted." }] },
    { content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/contract.txt", content: "hi\n" } } }] },
    { content: [{ text: "Wrote it." }] },
    { content: [{ text: "Resumed." }] },
  ],
};

let world: Awaited<ReturnType<typeof startAgentWorld>>;
let document: OpenAPIObject;
let ajv: Ajv2020;
/** "METHOD /template" → statuses it answered in this file. */
const answered = new Map<string, Set<number>>();

beforeAll(async () => {
  world = await startAgentWorld(scenario, { token: TOKEN });
  const res = await fetch(`${world.server.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  document = (await res.json()) as OpenAPIObject;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; the document is added whole so `$ref`s into components resolve.
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document, "openapi.json");
}, 60_000);
afterAll(async () => {
  await world?.close();
});

const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

interface Call {
  params?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: unknown;
  token?: string | null;
  contentType?: string;
}

/** Calls one route of the document and validates the answer against the schema the document gives its status. */
async function call<T = Record<string, unknown>>(method: string, template: string, opts: Call = {}): Promise<{ status: number; body: T }> {
  const operation = (document.paths?.[template] as Record<string, { responses: Record<string, unknown> }> | undefined)?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template} is not in the document`);
  let path = template;
  for (const [name, value] of Object.entries(opts.params ?? {})) path = path.replace(`{${name}}`, encodeURIComponent(value));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(opts.query ?? {})) for (const item of [value].flat()) search.append(name, item);
  const headers: Record<string, string> = {};
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? TOKEN}`;
  if (opts.body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
  const res = await fetch(`${world.server.url}${path}${search.size ? `?${search.toString()}` : ""}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
  });
  const body = (await res.json()) as T;
  const status = String(res.status) in operation.responses ? String(res.status) : "default";
  expect(operation.responses[status], `${method} ${template} answered ${res.status}, which the document does not list`).toBeDefined();
  const validate = ajv.getSchema(`openapi.json#/${pointer("paths", template, method.toLowerCase(), "responses", status, "content", "application/json", "schema")}`);
  if (!validate) throw new Error(`no schema for ${method} ${template} ${status}`);
  if (!validate(body)) throw new Error(`${method} ${template} ${res.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
  const key = `${method} ${template}`;
  if (!answered.has(key)) answered.set(key, new Set());
  answered.get(key)!.add(res.status);
  return { status: res.status, body };
}

async function ok<T = Record<string, unknown>>(method: string, template: string, opts: Call = {}): Promise<T> {
  const { status, body } = await call<T>(method, template, opts);
  expect(status, `${method} ${template}: ${JSON.stringify(body)}`).toBe(200);
  return body;
}

type Row = Record<string, unknown> & { id: string };

describe("REST API against its OpenAPI document", () => {
  it("drives a session end to end: agent, rules, command, permission answer, budget, mode, timeline, tasks", async () => {
    const session = await ok<Row>("POST", "/api/sessions", { body: { name: "contract" } });
    expect(session.status).toBe("active");
    expect((await ok<Row[]>("GET", "/api/sessions", { query: { limit: "10" } })).map((s) => s.id)).toContain(session.id);
    expect(await ok<Row>("GET", "/api/sessions/{id}", { params: { id: session.id } })).toEqual(session);

    const agent = await ok<Row>("POST", "/api/sessions/{sessionId}/agents", {
      params: { sessionId: session.id },
      body: { name: "claude", driver: "claude", config: { env: stubEnv(world.stub.url) } },
    });
    const agentStatus = async (status: string) =>
      waitForAsync(async () => (await ok<Row>("GET", "/api/agents/{id}", { params: { id: agent.id } })).status === status, 30_000, `agent ${status}`);
    await agentStatus("idle");
    expect((await ok<Row[]>("GET", "/api/sessions/{sessionId}/agents", { params: { sessionId: session.id } })).map((a) => a.id)).toEqual([agent.id]);

    const rule = await ok<Row>("POST", "/api/sessions/{sessionId}/rules", { params: { sessionId: session.id }, body: { tool: "Bash", pattern: "rm *", action: "deny" } });
    expect(await ok<Row[]>("GET", "/api/sessions/{sessionId}/rules", { params: { sessionId: session.id } })).toEqual([rule]);
    expect(await ok("DELETE", "/api/rules/{id}", { params: { id: rule.id } })).toEqual({ id: rule.id, deleted: true });

    const command = await ok<Row>("POST", "/api/sessions/{sessionId}/agents/{agentId}/commands", {
      params: { sessionId: session.id, agentId: agent.id },
      body: { text: "write the file", idempotencyKey: "contract-1" },
    });
    const pending = await waitForAsync(
      async () => (await ok<Row[]>("GET", "/api/permissions", { query: { sessionId: session.id, status: "pending" } }))[0],
      30_000,
      "a pending permission",
    );
    expect(pending.toolName).toBe("Write");
    const answer = await ok<{ permission: Row }>("POST", "/api/permissions/{requestId}/answer", { params: { requestId: pending.id }, body: { answer: { behavior: "allow" } } });
    expect(answer.permission.status).toBe("allowed");
    await waitForAsync(
      async () => (await ok<Row[]>("GET", "/api/agents/{agentId}/commands", { params: { agentId: agent.id }, query: { limit: "5" } })).find((c) => c.id === command.id && c.status === "completed"),
      30_000,
      "the command completed",
    );

    expect((await ok<Row>("POST", "/api/agents/{agentId}/budget", { params: { agentId: agent.id }, body: { usd: 5 } })).budgetUsd).toBe(5);
    expect((await ok<Row>("POST", "/api/agents/{agentId}/mode", { params: { agentId: agent.id }, body: { mode: "acceptEdits" } })).status).toBe("completed");
    expect((await ok<Row>("POST", "/api/agents/{agentId}/interrupt", { params: { agentId: agent.id }, body: {} })).kind).toBe("interrupt");

    const page = await ok<{ events: Row[]; lastSeq: number; hasMoreBefore: boolean }>("GET", "/events/session/{sessionId}", {
      params: { sessionId: session.id },
      query: { limit: "500", types: ["tool.started", "tool.finished"] },
    });
    expect(page.events.map((e) => e.type)).toEqual(["tool.started", "tool.finished"]);
    const firstTool = page.events[0]!;
    // The same cursors as the tRPC query: the page before the first tool event holds only older events.
    const before = await ok<{ events: Row[] }>("GET", "/events/session/{sessionId}", { params: { sessionId: session.id }, query: { before: String(firstTool.seq), limit: "3" } });
    expect(before.events.every((e) => (e.seq as number) < (firstTool.seq as number))).toBe(true);
    const window = await ok<{ total: number; anchorSeq: number | null }>("GET", "/events/session/{sessionId}/window", {
      params: { sessionId: session.id },
      query: { seq: String(firstTool.seq), types: ["tool.started", "tool.finished"] },
    });
    expect(window).toMatchObject({ total: 2, anchorSeq: firstTool.seq });
    const log = await ok<{ command: Row; events: Row[] }>("GET", "/api/commands/{commandId}/log", { params: { commandId: command.id } });
    expect(log.command.id).toBe(command.id);
    expect(log.events.length).toBeGreaterThan(0);
    const full = await ok<Row>("GET", "/api/events/{seq}", { params: { seq: String(firstTool.seq) } });
    expect(full.payload).toBeTypeOf("object");
    expect((await ok<{ events: number }>("GET", "/api/sessions/{sessionId}/histogram", { params: { sessionId: session.id } })).events).toBeGreaterThan(0);
    const metrics = await ok<{ toolCalls: number; toolSuccessRate: number | null }>("GET", "/api/sessions/{id}/metrics", { params: { id: session.id } });
    expect(metrics.toolCalls).toBe(1);
    expect(metrics.toolSuccessRate).toBe(1);
    const overview = await ok<{ totals: Record<string, number | null>; sessions: Row[] }>("GET", "/sessions");
    expect(overview.totals).toMatchObject({ sessions: 1, activeAgents: 1, toolCalls: 1, toolSuccessRate: 1 });
    expect(overview.sessions[0]).toMatchObject({ id: session.id, activeAgents: 1, toolSuccessRate: 1 });

    expect((await ok<Row>("DELETE", "/api/sessions/{sessionId}/agents/{agentId}", { params: { sessionId: session.id, agentId: agent.id } })).kind).toBe("stop");
    await agentStatus("stopped");
    // No idle agent: the task waits, and can be cancelled under its session.
    const task = await ok<Row>("POST", "/api/sessions/{sessionId}/tasks", { params: { sessionId: session.id }, body: { title: "later", prompt: "do it later" } });
    expect((await ok<Row[]>("GET", "/api/sessions/{sessionId}/tasks", { params: { sessionId: session.id } })).map((t) => t.id)).toEqual([task.id]);
    expect((await ok<Row>("GET", "/api/tasks/{id}", { params: { id: task.id } })).title).toBe("later");
    const cancelled = await ok<Row>("POST", "/api/sessions/{sessionId}/tasks/{id}/cancel", { params: { sessionId: session.id, id: task.id }, body: { reason: "not needed" } });
    expect(cancelled).toMatchObject({ status: "cancelled", error: "not needed" });
    // A task stopped on a merge conflict (the real git flow is task-merge.test.ts; here only the route's shape):
    // stored as the scheduler stores it, then answered with "cancel".
    const stuck = await ok<Row>("POST", "/api/sessions/{sessionId}/tasks", { params: { sessionId: session.id }, body: { title: "stuck", prompt: "merge first" } });
    const conflict = { dependencyTaskId: task.id, dependencyTitle: "later", commit: "0".repeat(40), branch: null, path: session.workspaceRoot, files: ["a.txt"], hunks: [], reason: null, merged: [] };
    await world.server.room.prisma.task.update({ where: { id: stuck.id }, data: { status: "blocked", error: "merge conflict in a.txt", mergeConflict: JSON.stringify(conflict) } });
    expect((await ok<Row>("GET", "/api/tasks/{id}", { params: { id: stuck.id } })).mergeConflict).toMatchObject({ files: ["a.txt"] });
    const artifact = await ok<Row>("POST", "/api/sessions/{sessionId}/tasks/{id}/artifacts", { params: { sessionId: session.id, id: stuck.id }, body: { name: "contract", path: "contract.txt" } });
    expect(artifact).toMatchObject({ taskId: stuck.id, name: "contract", size: 3 });
    const resolved = await ok<Row>("POST", "/api/sessions/{sessionId}/tasks/{id}/resolve-conflict", { params: { sessionId: session.id, id: stuck.id }, body: { resolution: "cancel" } });
    expect(resolved).toMatchObject({ status: "cancelled", mergeConflict: null });
    const wrong = await call("POST", "/api/sessions/{sessionId}/tasks/{id}/resolve-conflict", { params: { sessionId: session.id, id: stuck.id }, body: { resolution: "undo" } });
    expect([wrong.status, JSON.stringify(wrong.body)]).toEqual([400, expect.stringContaining("resolution")]);

    await ok("POST", "/api/agents/{id}/resume", { params: { id: agent.id } });
    await agentStatus("idle");
    expect((await ok<Row>("POST", "/api/sessions/{id}/archive", { params: { id: session.id } })).status).toBe("archived");
    expect(await ok("DELETE", "/api/sessions/{id}", { params: { id: session.id } })).toEqual({ id: session.id, deleted: true });
    expect((await call("GET", "/api/sessions/{id}", { params: { id: session.id } })).status).toBe(404);

    expect(await ok("GET", "/api/health", { token: null })).toMatchObject({ ok: true });
    expect((await ok<Row>("GET", "/api/info")).name).toBe("Rozet Control Room");
  }, 120_000);

  it("plans: create, read, edit, approve, decide after a failure, cancel", async () => {
    const session = await ok<Row>("POST", "/api/sessions", { body: { name: "contract plans" } });
    const params = { sessionId: session.id };
    expect(await ok<Row>("POST", "/api/sessions/{id}/update", { params: { id: session.id }, body: { autoApprovePlans: false } })).toMatchObject({ id: session.id, autoApprovePlans: false });
    const plan = await ok<Row>("POST", "/api/sessions/{sessionId}/plans", { params, body: { goal: "check the repo", profile: { driver: "claude", config: { env: stubEnv(world.stub.url) } } } });
    const planStatus = (status: string) =>
      waitForAsync(async () => {
        const current = await ok<Row>("GET", "/api/plans/{id}", { params: { id: plan.id } });
        return current.status === status ? current : undefined;
      }, 60_000, `plan ${status}`);
    await planStatus("draft");
    expect((await ok<Row[]>("GET", "/api/sessions/{sessionId}/plans", { params })).map((p) => p.id)).toEqual([plan.id]);
    const edited = await ok<Row>("POST", "/api/sessions/{sessionId}/plans/{id}/update", { params: { ...params, id: plan.id }, body: { budgetUsd: 1 } });
    expect(edited.budgetUsd).toBe(1);
    await ok("POST", "/api/sessions/{sessionId}/plans/{id}/approve", { params: { ...params, id: plan.id }, body: {} });
    await waitForAsync(async () => (await ok<Row>("GET", "/api/plans/{id}", { params: { id: plan.id } })).decision, 30_000, "the decision after the failed task");
    await ok("POST", "/api/sessions/{sessionId}/plans/{id}/decide", { params: { ...params, id: plan.id }, body: { decision: "retry" } });
    const cancelled = await ok<Row>("POST", "/api/sessions/{sessionId}/plans/{id}/cancel", { params: { ...params, id: plan.id }, body: {} });
    expect(cancelled.status).toBe("cancelled");
    await ok("DELETE", "/api/sessions/{id}", { params: { id: session.id } });
  });

  it("answers bad input with a 4xx naming the field, in the document's error shape", async () => {
    const named = async (method: string, template: string, opts: Call, status: number, field: string) => {
      const { status: got, body } = await call<{ error: { code: string; message: string; fieldErrors?: Record<string, string[]> | null } }>(method, template, opts);
      expect(got, JSON.stringify(body)).toBe(status);
      expect(body.error.message).toContain(field);
      return body.error;
    };
    expect((await named("POST", "/api/sessions", { body: { name: "" } }, 400, "name")).fieldErrors).toHaveProperty("name");
    await named("POST", "/api/sessions", { body: { name: "x", workspace: "a\u0000b" } }, 400, "workspace");
    await named("GET", "/api/sessions", { query: { limit: "many" } }, 400, "limit");
    await named("GET", "/api/sessions", { query: { limt: "5" } }, 400, "limt");
    await named("GET", "/api/sessions/{id}", { params: { id: "no-such-session" } }, 404, "no-such-session");
    const session = await ok<Row>("POST", "/api/sessions", { body: { name: "errors" } });
    await named("GET", "/events/session/{sessionId}", { params: { sessionId: session.id }, query: { limit: "0" } }, 400, "limit");
    await named("GET", "/events/session/{sessionId}", { params: { sessionId: session.id }, query: { after: "-1" } }, 400, "after");
    await named("POST", "/api/sessions/{sessionId}/agents", { params: { sessionId: session.id }, body: { name: "a", driver: "nope" } }, 400, "driver");
    await named("POST", "/api/sessions/{sessionId}/agents", { params: { sessionId: session.id }, body: { name: "a", driver: "acp" } }, 400, "profile");
    await named("POST", "/api/sessions/{sessionId}/agents/{agentId}/commands", { params: { sessionId: session.id, agentId: "ghost" }, body: { text: "hi" } }, 404, "ghost");
    await named("POST", "/api/sessions/{sessionId}/agents/{agentId}/commands", { params: { sessionId: session.id, agentId: "ghost" }, body: { text: "" } }, 400, "text");
    await named("POST", "/api/sessions/{sessionId}/tasks", { params: { sessionId: session.id }, body: { title: "t", prompt: "p", sessionId: "other" } }, 400, "sessionId");
    await named("POST", "/api/sessions/{sessionId}/rules", { params: { sessionId: session.id }, body: { tool: "Bash", action: "maybe" } }, 400, "action");
    await named("POST", "/api/permissions/{requestId}/answer", { params: { requestId: "nope" }, body: { answer: { behavior: "allow" } } }, 404, "nope");
    await named("POST", "/api/permissions/{requestId}/answer", { params: { requestId: "nope" }, body: { answer: { behavior: "perhaps" } } }, 400, "answer");
    await named("POST", "/api/sessions", { body: "{not json" }, 400, "JSON");
    await named("POST", "/api/sessions", { body: "name=x", contentType: "application/x-www-form-urlencoded" }, 415, "Content-Type");
    await named("GET", "/api/sessions", { token: null }, 401, "token");
    await named("GET", "/api/sessions", { token: "wrong-token-wrong-token-0" }, 401, "token");
    // Nothing was stored by the refused calls.
    expect((await ok<Row[]>("GET", "/api/sessions")).map((s) => s.name)).toEqual(["errors"]);
  });

  it("access: who am I, tokens (created with their secret once, listed, revoked) and the audit log", async () => {
    const refused = async (method: string, template: string, opts: Call, status: number, text: string) => {
      const { status: got, body } = await call<{ error: { message: string } }>(method, template, opts);
      expect(got, JSON.stringify(body)).toBe(status);
      expect(body.error.message).toContain(text);
    };
    expect(await ok("GET", "/api/access", { token: null })).toEqual({ tokenRequired: true, principal: null, observeOnly: false });
    expect(await ok("GET", "/api/access")).toMatchObject({ tokenRequired: true, principal: { name: "ROZET_TOKEN", role: "admin" } });
    const created = await ok<{ token: Row; secret: string }>("POST", "/api/tokens", { body: { name: "contract", role: "viewer" } });
    expect(created.secret).toMatch(/^rzt_/);
    expect(await ok("GET", "/api/access", { token: created.secret })).toMatchObject({ principal: { name: "contract", role: "viewer" } });
    await refused("GET", "/api/tokens", { token: created.secret }, 403, "admin");
    expect((await ok<Row[]>("GET", "/api/tokens")).map((t) => t.name)).toContain("contract");
    await refused("POST", "/api/tokens", { body: { name: "bad name", role: "viewer" } }, 400, "name");
    expect(await ok("POST", "/api/tokens/{token}/revoke", { params: { token: "contract" } })).toMatchObject({ name: "contract", revokedAt: expect.any(String) });
    await refused("POST", "/api/tokens/{token}/revoke", { params: { token: "contract" } }, 404, "contract");
    const audit = await ok<{ procedure: string; result: string }[]>("GET", "/api/audit", { query: { procedure: "token.", limit: "10" } });
    expect(audit.map((e) => `${e.procedure} ${e.result}`)).toEqual(["token.revoke NOT_FOUND", "token.revoke ok", "token.create BAD_REQUEST", "token.create ok"]);
    await refused("GET", "/api/audit", { query: { limit: "0" } }, 400, "limit");
  });

  it("exercised every route of the document with a 2xx answer", () => {
    const routes = Object.entries(document.paths ?? {}).flatMap(([template, item]) => Object.keys(item as object).map((method) => `${method.toUpperCase()} ${template}`));
    expect(routes.length).toBeGreaterThanOrEqual(30);
    const without2xx = routes.filter((route) => ![...(answered.get(route) ?? [])].some((status) => status >= 200 && status < 300));
    expect(without2xx).toEqual([]);
  });

  it("serves the API reference page and everything it loads itself (offline, no CDN), without the token", async () => {
    const page = await fetch(`${world.server.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls).toEqual(expect.arrayContaining(["/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/swagger-ui.css", "/api/docs/init.js"]));
    for (const url of urls) {
      const res = await fetch(`${world.server.url}${url}`);
      expect(res.status, url).toBe(200);
      expect((await res.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
    }
    expect(await (await fetch(`${world.server.url}/api/docs/init.js`)).text()).toContain('url: "/api/openapi.json"');
    expect((await fetch(`${world.server.url}/api/docs/assets/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it("puts every query and mutation of the router on a REST route, except the tRPC-only ones named here", () => {
    // Ingest has its own REST routes (POST /events, /api/events, the hot path); telemetry is the web app's.
    // runner.*: the machine protocol of `rozet runner` (long poll, job answers), not an API for people.
    const trpcOnly = ["event.ingest", "system.telemetry", "runner.register", "runner.heartbeat", "runner.poll", "runner.ack", "runner.report"];
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: { openapi?: unknown } } }>;
    const withoutRoute = Object.entries(procedures)
      .filter(([, procedure]) => procedure._def.type !== "subscription" && !procedure._def.meta?.openapi)
      .map(([path]) => path);
    expect(withoutRoute.sort()).toEqual(trpcOnly.sort());
  });
});
