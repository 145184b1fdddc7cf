import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { z } from "zod";
import { waitForAsync } from "./agent-harness.ts";
import { clientFor, postJson, removeHome, startTestServer, waitFor, type TestServer } from "./harness.ts";
import { filterOptions, hookEvent, webSocketMessage, type HookEvent } from "./legacy-dashboard-shapes.ts";

const TOKEN = "legacy-dashboard-token-0123";
let server: TestServer;
let client: ReturnType<typeof clientFor>;
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  server = await startTestServer({ token: TOKEN });
  client = clientFor(server.url, TOKEN);
});
afterAll(async () => {
  await client.close();
  await server.close();
  removeHome(server.home);
});

function hookPost(sessionId: string, hook: string, payload: Record<string, unknown>) {
  return postJson(`${server.url}/events`, { source_app: "legacy-proj", session_id: sessionId, hook_event_type: hook, payload, timestamp: Date.now() }, auth);
}

async function getJson(path: string, headers: Record<string, string> = auth) {
  const res = await fetch(`${server.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) };
}

/** A /stream client that records every message after checking it against the dashboard's type. */
async function openStream(query = `?token=${TOKEN}`) {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/stream${query}`);
  const messages: z.infer<typeof webSocketMessage>[] = [];
  const errors: string[] = [];
  ws.on("message", (data: Buffer) => {
    const parsed = webSocketMessage.safeParse(JSON.parse(data.toString("utf8")));
    if (parsed.success) messages.push(parsed.data);
    else errors.push(parsed.error.message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const live = () => messages.filter((m) => m.type === "event").map((m) => m.data);
  return { ws, messages, errors, live };
}

describe("legacy dashboard API (the hook-observability dashboard's shapes)", () => {
  it("serves hook events and our own agents' events as HookEvents: recent, filter options, stream snapshot then live", async () => {
    expect((await hookPost("claude-sess-1", "PreToolUse", { tool_name: "Bash", tool_input: { command: "ls" } })).status).toBe(200);

    const session = await client.api.session.create.mutate({ name: "own-agents" });
    const agent = await client.api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
    // The agent's "starting → idle" event, not its row: the row turns idle first and the event is committed after it.
    await waitForAsync(async () => (await client.api.event.timeline.query({ sessionId: session.id })).events.some((e) => e.type === "agent.status" && e.status === "idle"), 15_000, "shell agent idle on the timeline");

    const recent = await getJson("/events/recent?limit=50");
    expect(recent.status).toBe(200);
    const events = z.array(hookEvent).parse(recent.body);
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a! - b!));
    expect(events.find((e) => e.hook_event_type === "PreToolUse")).toMatchObject({ source_app: "legacy-proj", session_id: "claude-sess-1", payload: { tool_name: "Bash" } });
    expect(events.find((e) => e.source_app === "own-agents")).toMatchObject({ session_id: agent.id, hook_event_type: "agent.status" });

    const options = await getJson("/events/filter-options");
    expect(filterOptions.parse(options.body)).toMatchObject({
      source_apps: expect.arrayContaining(["legacy-proj", "own-agents"]) as unknown,
      session_ids: expect.arrayContaining(["claude-sess-1", agent.id]) as unknown,
      hook_event_types: expect.arrayContaining(["PreToolUse", "agent.status"]) as unknown,
    });

    const stream = await openStream();
    try {
      await waitFor(() => stream.messages.length > 0, 5_000, "initial message");
      const initial = stream.messages[0]!;
      expect(initial.type).toBe("initial");
      expect((initial.data as HookEvent[]).map((e) => e.id)).toEqual(events.map((e) => e.id));

      // Live: a hook event, then our shell agent's command output, each once and in order.
      await hookPost("claude-sess-2", "PostToolUse", { tool_name: "Bash", tool_response: { stdout: "ok" } });
      await waitFor(() => stream.live().some((e) => e.session_id === "claude-sess-2"), 5_000, "the hook event live");
      await client.api.agent.command.mutate({ agentId: agent.id, text: "echo from-the-shell" });
      await waitFor(() => stream.live().some((e) => e.session_id === agent.id && JSON.stringify(e.payload).includes("from-the-shell")), 15_000, "the agent's output live");
      const live = stream.live();
      expect(live.find((e) => e.session_id === "claude-sess-2")).toMatchObject({ source_app: "legacy-proj", hook_event_type: "PostToolUse", payload: { tool_response: { stdout: "ok" } } });
      const ids = live.map((e) => e.id!);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(Math.min(...ids)).toBeGreaterThan(Math.max(...events.map((e) => e.id!)));
      expect(stream.errors).toEqual([]);
    } finally {
      stream.ws.close();
    }
  });

  it("needs the token like every route (header, or ?token= for what a browser cannot give headers to)", async () => {
    expect((await getJson("/events/recent", {})).status).toBe(401);
    expect((await getJson("/events/filter-options", {})).status).toBe(401);
    expect((await getJson(`/events/recent?token=${TOKEN}`, {})).status).toBe(200);
    await expect(openStream("")).rejects.toThrow(/401/);
  });

  it("lets the dashboard's own page (a loopback origin) read, names a bad limit, refuses a foreign origin", async () => {
    const fromDashboard = await getJson("/events/recent?limit=5", { ...auth, origin: "http://localhost:5173" });
    expect(fromDashboard.status).toBe(200);
    expect(fromDashboard.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const bad = await getJson("/events/recent?limit=lots");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("limit");
    expect((await getJson("/events/recent", { ...auth, origin: "https://evil.example" })).status).toBe(403);
  });
});
