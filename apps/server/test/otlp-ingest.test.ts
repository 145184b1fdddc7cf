import { mkdtempSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { startModelStub } from "@rozet/model-stub";
import { readPayload } from "@rozet/vocabulary";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForAsync } from "./agent-harness.ts";
import { clientFor, removeHome, runProcess, startTestServer } from "./harness.ts";

// OTLP/HTTP ingest of Claude Code's own OpenTelemetry export: real `claude -p` runs through the model stub with
// telemetry on, once per OTLP encoding, then hostile bodies.

const CLAUDE = path.join(path.dirname(createRequire(import.meta.url).resolve("@anthropic-ai/claude-code/package.json")), "bin", "claude.exe");
const TOKEN = "otlp-test-token-0123456789";

let stub: Awaited<ReturnType<typeof startModelStub>>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let client: ReturnType<typeof clientFor>;
beforeAll(async () => {
  // Each run: the model asks for Bash, then answers. Steps are served in order, so two runs take four.
  const run = [
    { content: [{ text: "Running." }, { tool_use: { name: "Bash", input: { command: "echo hi" } } }] },
    { content: [{ text: "Done." }] },
  ];
  stub = await startModelStub({ scenario: { steps: [...run, ...run] } });
  server = await startTestServer({ token: TOKEN });
  client = clientFor(server.url, TOKEN);
});
afterAll(async () => {
  await client.close();
  await server.close();
  await stub.close();
  removeHome(server.home);
});

/** Runs `claude -p` with its OpenTelemetry export pointed at the control room; returns Claude's session id. */
async function telemetryRun(app: string, protocol: "http/json" | "http/protobuf", extraEnv: Record<string, string> = {}) {
  const cwd = realpathSync(mkdtempSync(path.join(os.tmpdir(), "rozet-otlp-")));
  const result = await runProcess(CLAUDE, ["-p", "run echo", "--output-format", "json", "--permission-mode", "bypassPermissions"], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ANTHROPIC_BASE_URL: stub.url,
      ANTHROPIC_API_KEY: "stub-key",
      IS_SANDBOX: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      CLAUDE_CONFIG_DIR: mkdtempSync(path.join(os.tmpdir(), "rozet-claude-config-")),
      CLAUDE_CODE_MAX_RETRIES: "0",
      // What docs/telemetry-ingest.md tells users to set.
      CLAUDE_CODE_ENABLE_TELEMETRY: "1",
      OTEL_LOGS_EXPORTER: "otlp",
      OTEL_METRICS_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_ENDPOINT: server.url,
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${TOKEN}`,
      OTEL_RESOURCE_ATTRIBUTES: `rozet.session=${app}`,
      ...extraEnv,
    },
  });
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { session_id: string }).session_id;
}

async function telemetryOf(app: string) {
  const session = await waitForAsync(async () => (await client.api.session.list.query()).find((s) => s.name === app), 15_000, `session ${app}`);
  // Claude Code flushes its exporters on exit; the last batch holds the second api_request and the metrics.
  const events = await waitForAsync(async () => {
    const all = (await client.api.event.timeline.query({ sessionId: session.id, limit: 500 })).events;
    const has = (type: string) => all.filter((e) => e.type === type).length;
    return has("telemetry.api_request") >= 2 && has("telemetry.tool_result") >= 1 && has("telemetry.metric") >= 1 ? all : undefined;
  }, 15_000, "telemetry events");
  return { session, events };
}

async function expectMappedRun(app: string, claudeSessionId: string) {
  const { session, events } = await telemetryOf(app);
  const agents = await client.api.agent.list.query({ sessionId: session.id });
  expect(agents).toEqual([expect.objectContaining({ driver: "external", externalSessionId: claudeSessionId })]);
  const byType = (type: string) => events.filter((e) => e.type === type);

  expect(byType("telemetry.user_prompt")).toHaveLength(1);
  expect(byType("telemetry.tool_decision")).toEqual([expect.objectContaining({ toolName: "Bash", status: "accept" })]);
  expect(byType("telemetry.tool_result")).toEqual([expect.objectContaining({ toolName: "Bash", status: "ok" })]);
  // The stub prices each request at 100 in / 20 out tokens and $0.0008.
  const requests = byType("telemetry.api_request");
  expect(requests).toHaveLength(2);
  for (const request of requests) expect(request).toMatchObject({ costUsd: 0.0008, inputTokens: 100, outputTokens: 20 });
  const totals = await client.api.session.metrics.query({ id: session.id });
  expect(totals).toMatchObject({ inputTokens: 200, outputTokens: 40 });
  expect(totals.costUsd).toBeCloseTo(0.0016, 6);
  const metricNames = new Set(await Promise.all(byType("telemetry.metric").map(async (e) => ((await client.api.event.get.query({ seq: e.seq })).payload as { name: string }).name)));
  expect(metricNames).toContain("claude_code.cost.usage");
  expect(metricNames).toContain("claude_code.token.usage");

  // Every stored payload reads as its catalogue type.
  for (const event of events.filter((e) => e.type.startsWith("telemetry."))) {
    const full = await client.api.event.get.query({ seq: event.seq });
    const read = readPayload(event.type as "telemetry.log", full.payload);
    expect(read.ok, `${event.type}: ${read.ok ? "" : read.error}`).toBe(true);
  }
  const result = await client.api.event.get.query({ seq: byType("telemetry.tool_result")[0]!.seq });
  expect(result.payload).toMatchObject({ name: "tool_result", sessionId: claudeSessionId, toolUseId: expect.any(String), durationMs: expect.any(Number) });
}

describe("OTLP ingest of a real Claude Code run", () => {
  it("http/json: prompts, tool decisions and results, API requests with cost and tokens, metrics", async () => {
    const claudeSession = await telemetryRun("otlp-json", "http/json");
    await expectMappedRun("otlp-json", claudeSession);
  }, 120_000);

  it("http/protobuf, gzip-compressed: the same mapping", async () => {
    const claudeSession = await telemetryRun("otlp-protobuf", "http/protobuf", { OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" });
    await expectMappedRun("otlp-protobuf", claudeSession);
  }, 120_000);
});

const auth = { authorization: `Bearer ${TOKEN}` };
const logsBody = (attributes: { key: string; value: Record<string, unknown> }[], app = "otlp-hand") => ({
  resourceLogs: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "claude-code" } }, { key: "rozet.session", value: { stringValue: app } }] },
      scopeLogs: [{ scope: { name: "com.anthropic.claude_code.events" }, logRecords: [{ timeUnixNano: "1764000000000000000", body: { stringValue: "claude_code.api_error" }, attributes }] }],
    },
  ],
});
const apiError = [
  { key: "event.name", value: { stringValue: "api_error" } },
  { key: "session.id", value: { stringValue: "hand-session-1" } },
  { key: "model", value: { stringValue: "claude-x" } },
  { key: "error", value: { stringValue: "Overloaded" } },
  { key: "status_code", value: { stringValue: "529" } },
  { key: "attempt", value: { intValue: "3" } },
];

async function post(pathname: string, body: string | Uint8Array, headers: Record<string, string>) {
  const res = await fetch(`${server.url}${pathname}`, { method: "POST", headers, body });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

async function storedCount(): Promise<number> {
  return (await client.api.system.info.query()).lastSeq;
}

describe("OTLP ingest: the protocol's edges", () => {
  it("maps an api_error; a retried batch is stored once", async () => {
    const body = JSON.stringify(logsBody(apiError));
    const first = await post("/v1/logs", body, { ...auth, "content-type": "application/json" });
    expect(first).toMatchObject({ status: 200, type: "application/json", text: "{}" });
    const before = await storedCount();
    expect((await post("/v1/logs", body, { ...auth, "content-type": "application/json" })).status).toBe(200);
    expect(await storedCount()).toBe(before);
    const session = (await client.api.session.list.query()).find((s) => s.name === "otlp-hand")!;
    const [event] = (await client.api.event.timeline.query({ sessionId: session.id, types: ["telemetry.api_error"] })).events;
    expect(event).toMatchObject({ status: "error", summary: "API error 529: Overloaded" });
    expect((await client.api.event.get.query({ seq: event!.seq })).payload).toMatchObject({ statusCode: 529, attempt: 3, model: "claude-x" });
  });

  it("refuses bad requests with a 4xx that names the problem, and stores nothing", async () => {
    const before = await storedCount();
    const json = { ...auth, "content-type": "application/json" };
    const protobuf = { ...auth, "content-type": "application/x-protobuf" };
    const cases: [string, Awaited<ReturnType<typeof post>>, number, RegExp][] = [
      ["no token", await post("/v1/logs", JSON.stringify(logsBody(apiError)), { "content-type": "application/json" }), 401, /token/],
      ["text/plain", await post("/v1/logs", "{}", { ...auth, "content-type": "text/plain" }), 415, /application\/x-protobuf/],
      ["not JSON", await post("/v1/logs", "{", json), 400, /not valid JSON/],
      ["wrong shape", await post("/v1/logs", JSON.stringify({ resourceLogs: [{ scopeLogs: "x" }] }), json), 400, /resourceLogs\.0\.scopeLogs/],
      ["bad attribute", await post("/v1/metrics", JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: "" }] }] }] }), json), 400, /metrics\.0\.name/],
      ["not protobuf", await post("/v1/logs", new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), protobuf), 400, /not a valid protobuf/],
      ["not gzip", await post("/v1/logs", "{}", { ...json, "content-encoding": "gzip" }), 400, /not valid gzip/],
      ["brotli", await post("/v1/logs", "{}", { ...json, "content-encoding": "br" }), 415, /Content-Encoding/],
      ["gzip bomb", await post("/v1/logs", gzipSync(Buffer.alloc(17 * 1024 * 1024, 32)), { ...json, "content-encoding": "gzip" }), 413, /limit/],
      ["too deep", await post("/v1/logs", `${"[".repeat(5000)}${"]".repeat(5000)}`, json), 400, /deeper/],
      ["control character in an id", await post("/v1/logs", JSON.stringify(logsBody([...apiError, { key: "session.id", value: { stringValue: "\u0000" } }])), json), 400, /session_id/],
    ];
    for (const [name, res, status, message] of cases) {
      expect(res.status, `${name}: ${res.text}`).toBe(status);
      expect(res.text, name).toMatch(message);
    }
    // Protobuf errors are a google.rpc.Status in protobuf.
    expect(cases[5]![1].type).toBe("application/x-protobuf");
    expect(await storedCount()).toBe(before);
    // And the server still serves.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
