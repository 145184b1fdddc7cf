import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clientFor, legacyEvent, postJson, serverForFile, type TestServer } from "./harness.ts";

let server: TestServer;
let sessionId = "";
serverForFile(async (started) => {
  server = started;
  const events = Array.from({ length: 1_200 }, (_, i) =>
    legacyEvent(i, { source_app: "Export me / ../..", hook_event_type: i % 3 === 0 ? "UserPromptSubmit" : "PreToolUse", payload: i % 3 === 0 ? { prompt: `p${i}` } : { tool_name: "Bash", tool_input: { command: `echo ${i}` } } }),
  );
  const res = await postJson(`${server.url}/api/events`, { events: events.slice(0, 1_000) });
  await postJson(`${server.url}/api/events`, { events: events.slice(1_000) });
  sessionId = res.body.results[0].sessionId;
});

describe("export", () => {
  it("streams NDJSON of full events with the timeline's filters and a safe file name", async () => {
    const res = await fetch(`${server.url}/api/sessions/${sessionId}/export.ndjson?types=prompt.submitted`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="rozet-export-me-${sessionId.slice(0, 8)}.ndjson"`);
    const lines = (await res.text()).trim().split("\n").map((line) => JSON.parse(line));
    expect(lines).toHaveLength(400);
    expect(lines.every((e) => e.type === "prompt.submitted")).toBe(true);
    expect(lines[0].payload).toEqual({ prompt: "p0" });
    expect(lines.map((e) => e.seq)).toEqual([...lines.map((e) => e.seq)].sort((a, b) => a - b));
  });

  it("streams all events as one JSON array", async () => {
    const res = await fetch(`${server.url}/api/sessions/${sessionId}/export.json`);
    const all = (await res.json()) as { seq: number }[];
    expect(all).toHaveLength(1_200);
    expect(new Set(all.map((e) => e.seq)).size).toBe(1_200);
  });

  it("zips events, the session's records and per-agent logs", async () => {
    const res = await fetch(`${server.url}/api/sessions/${sessionId}/export.zip?text=echo%2011`);
    expect(res.headers.get("content-type")).toBe("application/zip");
    const dir = mkdtempSync(path.join(os.tmpdir(), "rozet-zip-"));
    const file = path.join(dir, "export.zip");
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const listing = execFileSync("python3", ["-c", "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print('\\n'.join(z.namelist())); print(z.read('events.ndjson').decode())", file]).toString();
    expect(listing).toContain("session.json");
    expect(listing).toContain("events.ndjson");
    expect(listing).toMatch(/logs\/rozet-agent-claude-s-[0-9a-f]{8}\.log|logs\/rozet-[a-z0-9-]+\.log/);
    expect(listing).toContain('"summary":"Bash: echo 11"');
    expect(readFileSync(file).length).toBeGreaterThan(100);
  });

  it("refuses unknown sessions and bad filters with a clear error", async () => {
    expect((await fetch(`${server.url}/api/sessions/nope/export.ndjson`)).status).toBe(404);
    const bad = await fetch(`${server.url}/api/sessions/${sessionId}/export.ndjson?text=${"x".repeat(300)}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("INVALID_INPUT");
  });
});

describe("telemetry and metrics", () => {
  it("counts page loads and command outcomes from the web app on /metrics", async () => {
    const { api, close } = clientFor(server.url);
    await api.system.telemetry.mutate({ kind: "page_load", durationMs: 420 });
    await api.system.telemetry.mutate({ kind: "command", name: "agent.command", ok: false });
    await expect(api.system.telemetry.mutate({ kind: "command", name: "bad name!", ok: true })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    await close();
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/rozet_ui_page_load_seconds_count 1/);
    expect(text).toMatch(/rozet_ui_commands_total\{name="agent.command",ok="false"\} 1/);
    expect(text).toMatch(/rozet_events_stored_total 1200/);
  });
});
