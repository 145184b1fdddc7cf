import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { clientFor, postJson, serverForFile, type TestServer } from "./harness.ts";

const FIXTURES = fileURLToPath(new URL("../../../fixtures/claude-code/hooks/", import.meta.url));

let server: TestServer;
let client: ReturnType<typeof clientFor>;
serverForFile((started, c) => {
  server = started;
  client = c;
});

/** The event types send_event.py documents (disler/claude-code-hooks-multi-agent-observability, .claude/hooks/send_event.py @ 8a6e5cf). */
const SCRIPT_EVENTS = [
  "SessionStart", "SessionEnd", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest",
  "Notification", "SubagentStart", "SubagentStop", "Stop", "PreCompact",
] as const;

const FORWARDED = [
  "tool_name", "tool_use_id", "error", "is_interrupt", "permission_suggestions", "agent_id", "agent_type", "agent_transcript_path",
  "stop_hook_active", "notification_type", "custom_instructions", "source", "reason",
];

/**
 * The body send_event.py posts, built the way its main() builds it: model_name is '' unless the transcript names a
 * model, event-specific hook fields are copied to the top level, chat (--add-chat) and summary (--summarize) are
 * added when asked for.
 */
function scriptEvent(sourceApp: string, eventType: string, input: Record<string, unknown>, options: { model?: string; chat?: unknown[]; summary?: string } = {}) {
  const event: Record<string, unknown> = {
    source_app: sourceApp,
    session_id: input.session_id ?? "unknown",
    hook_event_type: eventType,
    payload: input,
    timestamp: Date.now(),
    model_name: options.model ?? "",
  };
  for (const field of FORWARDED) if (field in input) event[field] = input[field];
  if (options.chat) event.chat = options.chat;
  if (options.summary) event.summary = options.summary;
  return event;
}

function hookInput(eventType: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(`${FIXTURES}${eventType}.json`, "utf8")) as Record<string, unknown>;
  } catch {
    // Notification has no captured fixture: the documented shape.
    return { session_id: "sess-notify", transcript_path: "/tmp/t.jsonl", cwd: "/tmp", hook_event_name: eventType, message: "Claude needs your permission", notification_type: "permission_prompt" };
  }
}

describe("the observability project's send_event.py", () => {
  it("every event it sends without a model (model_name '') is accepted and stored", async () => {
    for (const eventType of SCRIPT_EVENTS) {
      const res = await postJson(`${server.url}/events`, scriptEvent("obs-script", eventType, hookInput(eventType)));
      expect(res.status, `${eventType}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.accepted).toBe(1);
    }
    const session = (await client.api.session.list.query()).find((s) => s.name === "obs-script");
    const page = await client.api.event.timeline.query({ sessionId: session!.id, limit: 500 });
    // Every hook event stored once (the control room adds its own events beside them, e.g. closing a tool call
    // the stream left open at Stop).
    const fromHooks = page.events.filter((e) => e.source !== "rozet");
    expect(fromHooks.map((e) => e.hookEventType).sort()).toEqual([...SCRIPT_EVENTS].sort());
  });

  it("with --add-chat, --summarize and a model name, every optional field is kept", async () => {
    const chat = [
      { type: "user", message: { role: "user", content: "fix the bug" } },
      { type: "assistant", message: { model: "claude-sonnet-4-5", role: "assistant", content: [{ type: "text", text: "Done." }] } },
    ];
    const input = hookInput("PostToolUse");
    const res = await postJson(`${server.url}/events`, scriptEvent("obs-full", "PostToolUse", input, { model: "claude-sonnet-4-5", chat, summary: "Edited a file" }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const event = await client.api.event.get.query({ seq: res.body.results[0].seq });
    expect(event.summary).toBe("Edited a file");
    expect(event.payload).toMatchObject({ ...input, chat });
    const agents = await client.api.agent.list.query({ sessionId: event.sessionId });
    expect(agents[0]).toMatchObject({ model: "claude-sonnet-4-5" });
  });

  it("nulls in optional fields are absent values, and extra top-level fields are kept in the payload", async () => {
    const res = await postJson(`${server.url}/events`, {
      source_app: "obs-loose",
      session_id: "loose-1",
      hook_event_type: "Stop",
      payload: { hook_event_name: "Stop" },
      timestamp: null,
      model_name: null,
      summary: null,
      chat: null,
      stop_hook_active: false,
      extra_note: "kept",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const event = await client.api.event.get.query({ seq: res.body.results[0].seq });
    expect(event.payload).toEqual({ hook_event_name: "Stop", stop_hook_active: false, extra_note: "kept" });
  });

  it("stays strict where it matters: id types and sizes", async () => {
    const wrongId = await postJson(`${server.url}/events`, scriptEvent("obs-strict", "Stop", { session_id: 42 }));
    expect(wrongId.status).toBe(400);
    expect(wrongId.body.error.details.issues).toEqual([{ path: "0.session_id", message: expect.stringContaining("string") }]);
    const emptyApp = await postJson(`${server.url}/events`, scriptEvent("", "Stop", { session_id: "s" }));
    expect(emptyApp.status).toBe(400);
    expect(emptyApp.body.error.details.issues[0].path).toBe("0.source_app");
    const longModel = await postJson(`${server.url}/events`, scriptEvent("obs-strict", "Stop", { session_id: "s" }, { model: "m".repeat(500) }));
    expect(longModel.status).toBe(400);
    expect(longModel.body.error.details.issues[0].path).toBe("0.model_name");
  });
});
