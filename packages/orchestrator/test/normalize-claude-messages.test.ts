import { eventsOfType, readPayload } from "@rozet/vocabulary";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DriverEvent } from "../src/runtime/driver.ts";
import { ClaudeMessageNormalizer, MAX_RAW_BYTES, MAX_TOOL_OUTPUT_BYTES } from "../src/normalize/claude-messages.ts";
import { MAX_PATCH_BYTES, unifiedDiff } from "../src/normalize/diff.ts";

const claudeFixtures = new URL("../../../fixtures/claude-code/", import.meta.url);

type Message = Record<string, unknown>;

function jsonLines(relativePath: string): Message[] {
  return readFileSync(new URL(relativePath, claudeFixtures), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Message);
}

/** stdout of a one-shot run, or the whole transcript. */
const stream = (relativePath: string) => jsonLines(relativePath);

/** What the CLI wrote to stdout in a recorded exchange (both directions are recorded). */
const exchangeStdout = (name: string) =>
  jsonLines(`exchanges/${name}`)
    .filter((record) => record.dir === "out" && record.msg && typeof record.msg === "object")
    .map((record) => record.msg as Message);

/** A clock that advances 100 ms per reading, so durations are deterministic. */
function steppingClock() {
  let now = 0;
  return () => (now += 100);
}

function run(messages: unknown[], normalizer = new ClaudeMessageNormalizer({ now: steppingClock() })): DriverEvent[] {
  return messages.flatMap((message) => normalizer.normalize(message));
}

const ofType = eventsOfType;
const types = (events: DriverEvent[]) => events.map((event) => event.type);

const documentedTypes = new Set([
  "session.started",
  "message.assistant",
  "message.thinking",
  "tool.started",
  "tool.finished",
  "file.changed",
  "usage",
  "turn.finished",
  "agent.failed",
  "agent.interrupted",
  "agent.retrying",
  "agent.notice",
  "context.compacting",
  "context.compacted",
  "subagent.started",
  "subagent.finished",
  "hook.failed",
]);

describe("ClaudeMessageNormalizer on the full stream-json transcript", () => {
  const events = run(stream("stream-json-transcript.jsonl"));

  it("emits the turn in order: session, text, four tools with their diffs, text, usage, turn end", () => {
    expect(types(events)).toEqual([
      "session.started",
      "message.assistant",
      "tool.started",
      "tool.finished",
      "tool.started",
      "tool.finished",
      "file.changed",
      "tool.started",
      "tool.finished",
      "file.changed",
      "tool.started",
      "tool.finished",
      "message.assistant",
      "usage",
      "turn.finished",
    ]);
  });

  it("starts the session from system/init", () => {
    const [started] = events;
    expect(started).toMatchObject({
      type: "session.started",
      payload: {
        sessionId: "b8f59674-debf-4ea7-a368-4465da9abdf4",
        model: "claude-opus-4-8[1m]",
        cwd: "<PROJECT_DIR>",
        toolCount: 27,
        permissionMode: "default",
        claudeCodeVersion: "2.1.197",
      },
    });
  });

  it("pairs every tool.started with a tool.finished by toolUseId", () => {
    const started = ofType(events, "tool.started");
    const finished = ofType(events, "tool.finished");
    expect(started.map((e) => e.payload.toolUseId)).toEqual(["toolu_full_read", "toolu_full_edit", "toolu_full_write", "toolu_full_bash"]);
    expect(finished.map((e) => e.payload.toolUseId)).toEqual(started.map((e) => e.payload.toolUseId));
    expect(finished.map((e) => e.toolName)).toEqual(["Read", "Edit", "Write", "Bash"]);
    expect(finished.map((e) => e.status)).toEqual(["ok", "ok", "ok", "ok"]);
    for (const event of finished) expect(event.payload.durationMs).toBeGreaterThan(0);
    expect(started[3]).toMatchObject({ toolName: "Bash", summary: "Bash: cat out.txt hello.txt", filePath: undefined });
    expect(finished[3]!.payload).toMatchObject({ output: "goodbye\nhello world", truncated: false });
  });

  it("keeps tool inputs and file paths on tool.started", () => {
    expect(ofType(events, "tool.started")[1]).toMatchObject({
      toolName: "Edit",
      filePath: "<PROJECT_DIR>/out.txt",
      summary: "Edit: <PROJECT_DIR>/out.txt",
      payload: { input: { file_path: "<PROJECT_DIR>/out.txt", old_string: "hello", new_string: "goodbye", replace_all: false } },
    });
  });

  it("turns a Write creation into a /dev/null diff", () => {
    const created = ofType(events, "file.changed")[1]!;
    expect(created).toMatchObject({ toolName: "Write", filePath: "<PROJECT_DIR>/hello.txt" });
    expect(created.payload).toMatchObject({
      toolUseId: "toolu_full_write",
      path: "<PROJECT_DIR>/hello.txt",
      kind: "create",
      summarized: false,
      added: 1,
      removed: 0,
      patch: "--- /dev/null\n+++ <PROJECT_DIR>/hello.txt\n@@ -0,0 +1,1 @@\n+hello world\n",
    });
  });

  it("ends the turn with per-turn tokens, the cost and the final text", () => {
    expect(ofType(events, "usage")[0]).toMatchObject({ inputTokens: 500, outputTokens: 100, costUsd: 0.005 });
    expect(ofType(events, "usage")[0]!.payload).toMatchObject({ cacheReadInputTokens: 0, cacheCreationInputTokens: 0, totalCostUsd: 0.005 });
    expect(events.at(-1)).toMatchObject({ type: "turn.finished", status: "ok", summary: "All done: edited out.txt and created hello.txt." });
  });

  it("keeps the original message as payload.raw on every event", () => {
    const transcript = stream("stream-json-transcript.jsonl");
    for (const event of events) expect(transcript).toContainEqual(event.payload.raw);
    expect(events[0]!.payload.raw).toMatchObject({ type: "system", subtype: "init" });
  });

  it("ignores hook lifecycle lines, replays, control requests and responses", () => {
    const ignored = stream("stream-json-transcript.jsonl").filter(
      (m) => m.type === "control_request" || m.type === "control_response" || m.subtype === "hook_started" || m.isReplay === true,
    );
    expect(ignored.length).toBeGreaterThan(10);
    expect(run(ignored)).toEqual([]);
  });
});

describe("file.changed diffs", () => {
  it("uses Edit's structuredPatch verbatim (edit-structured-patch.jsonl)", () => {
    const changes = ofType(run(stream("streams/edit-structured-patch.jsonl")), "file.changed");
    expect(changes).toHaveLength(1);
    const [change] = changes;
    expect(change).toMatchObject({ type: "file.changed", toolName: "Edit", filePath: "<PROJECT_DIR>/out.txt", summary: "updated <PROJECT_DIR>/out.txt (+1 −1)" });
    expect(change!.payload.patch).toBe("--- <PROJECT_DIR>/out.txt\n+++ <PROJECT_DIR>/out.txt\n@@ -1,1 +1,1 @@\n-hello\n+goodbye\n");
    expect(change!.payload).toMatchObject({ toolUseId: "toolu_e1", kind: "update", summarized: false, added: 1, removed: 1 });
  });

  it("emits no file.changed for a denied or failed Write", () => {
    for (const file of ["streams/hook-pretooluse-deny-json.jsonl", "streams/hook-pretooluse-exit2.jsonl", "streams/no-permission-tool-autodeny.jsonl"]) {
      const events = run(stream(file));
      expect(ofType(events, "file.changed")).toEqual([]);
      expect(ofType(events, "tool.finished")).toMatchObject([{ toolName: "Write", status: "error" }]);
    }
  });

  it("summarizes a diff over 256 KiB instead of dropping it", () => {
    const content = "generated line\n".repeat(20_000);
    const created = unifiedDiff("/w/big.txt", { originalFile: null, content });
    expect(created).toMatchObject({ path: "/w/big.txt", kind: "create", summarized: true, added: 20_000, removed: 0 });
    expect(created.summarized && created.reason).toMatch(/limit 262144/);
    expect(created).not.toHaveProperty("patch");

    const lines = Array.from({ length: 20_000 }, (_, i) => [`-old ${i}`, `+new ${i}`]).flat();
    const fromHunks = unifiedDiff("/w/big.txt", [{ oldStart: 1, oldLines: 20_000, newStart: 1, newLines: 20_000, lines }]);
    expect(fromHunks).toMatchObject({ kind: "update", summarized: true, added: 20_000, removed: 20_000 });
  });

  it("summarizes a diff too expensive to compute (whole-file counts stand in)", () => {
    const before = "old line\n".repeat(40_000);
    const after = "new line\n".repeat(40_000);
    const diff = unifiedDiff("/w/rewritten.txt", { originalFile: before, content: after });
    expect(diff).toMatchObject({ kind: "update", summarized: true, reason: expect.stringMatching(/^diff took over/), added: 40_000, removed: 40_000 });
  });

  it("summarizes binary content (NUL bytes) from either source shape", () => {
    expect(unifiedDiff("/w/a.bin", { originalFile: null, content: "PNG\u0000\u0001\n" })).toMatchObject({
      kind: "create",
      summarized: true,
      reason: "binary content",
      added: 1,
      removed: 0,
    });
    const hunks = [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: ["-a\u0000", "+b\u0000"] }];
    expect(unifiedDiff("/w/a.bin", hunks)).toMatchObject({ summarized: true, reason: "binary content", added: 1, removed: 1 });
  });

  it("keeps a diff just under the limit", () => {
    const content = "x".repeat(100) + "\n";
    const diff = unifiedDiff("/w/ok.txt", { originalFile: null, content: content.repeat(2_000) });
    expect(diff.summarized).toBe(false);
    expect(diff.summarized ? 0 : Buffer.byteLength(diff.patch)).toBeLessThanOrEqual(MAX_PATCH_BYTES);
  });

  it("a huge Write through the normalizer: summarized file.changed, raw replaced by a clipped marker", () => {
    const normalizer = new ClaudeMessageNormalizer();
    const path = "/w/generated.txt";
    const content = "generated line\n".repeat(30_000);
    normalizer.normalize({ type: "assistant", message: { id: "m1", content: [{ type: "tool_use", id: "toolu_big", name: "Write", input: { file_path: path, content } }] } });
    const result = {
      type: "user",
      uuid: "u-big",
      message: { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_big", content: `File created successfully at: ${path}` }] },
      tool_use_result: { type: "create", filePath: path, content, structuredPatch: [], originalFile: null },
    };
    const [finished, change] = normalizer.normalize(result);
    expect(finished).toMatchObject({ type: "tool.finished", status: "ok" });
    expect(change).toMatchObject({ type: "file.changed", filePath: path, payload: { kind: "create", summarized: true, added: 30_000, removed: 0 } });
    expect(change!.payload).not.toHaveProperty("patch");
    expect(change!.payload.raw).toMatchObject({ clipped: true, type: "user", uuid: "u-big" });
    expect(JSON.stringify(change!.payload.raw).length).toBeLessThan(MAX_RAW_BYTES);
  });

  it("a patch whose tool_use was never seen (normalizer started mid-turn) still yields file.changed", () => {
    const editResult = stream("streams/edit-structured-patch.jsonl").find((m) => JSON.stringify(m).includes('"structuredPatch"'));
    const events = new ClaudeMessageNormalizer().normalize(editResult);
    expect(types(events)).toEqual(["tool.finished", "file.changed"]);
    expect(events[1]).toMatchObject({ filePath: "<PROJECT_DIR>/out.txt", toolName: undefined, payload: { added: 1, removed: 1 } });
  });

  it("MultiEdit and NotebookEdit results without a patch still report the change", () => {
    const normalizer = new ClaudeMessageNormalizer();
    normalizer.normalize({ type: "assistant", message: { content: [{ type: "tool_use", id: "t_nb", name: "NotebookEdit", input: { notebook_path: "/w/a.ipynb", new_source: "x" } }] } });
    const events = normalizer.normalize({
      type: "user",
      message: { content: [{ type: "tool_result", tool_use_id: "t_nb", content: "Updated cell" }] },
      tool_use_result: { new_source: "x", cell_type: "code" },
    });
    expect(events[1]).toMatchObject({
      type: "file.changed",
      toolName: "NotebookEdit",
      filePath: "/w/a.ipynb",
      payload: { path: "/w/a.ipynb", kind: "update", summarized: true, reason: "the tool result carries no diff" },
    });
  });
});

describe("usage and cost", () => {
  it("reports each turn's cost as the delta of the cumulative total (multiturn.jsonl)", () => {
    const events = run(exchangeStdout("multiturn.jsonl"));
    const usage = ofType(events, "usage");
    expect(usage.map((e) => e.costUsd)).toEqual([0.002, 0.002]);
    expect(usage.map((e) => e.payload.totalCostUsd)).toEqual([0.002, 0.004]);
    expect(usage.map((e) => [e.inputTokens, e.outputTokens])).toEqual([
      [200, 40],
      [200, 40],
    ]);
    expect(ofType(events, "session.started")).toHaveLength(1);
    expect(ofType(events, "turn.finished").map((e) => e.summary)).toEqual(["Done. (turn 2)", "Done. (turn 4)"]);
  });

  it("keeps a running total of the turn's tokens as assistant messages stream, each model call counted once", () => {
    const normalizer = new ClaudeMessageNormalizer();
    const assistant = (id: string, usage: Record<string, number>, text = "x") => ({ type: "assistant", message: { id, usage, content: [{ type: "text", text }] } });
    normalizer.normalize(assistant("m1", { input_tokens: 300, output_tokens: 1 }));
    // Claude repeats a call's usage on each of its blocks (sometimes higher as output grows): counted at its highest.
    normalizer.normalize(assistant("m1", { input_tokens: 300, output_tokens: 12 }, "y"));
    expect(normalizer.turnTokensSoFar).toBe(312);
    normalizer.normalize(assistant("m2", { input_tokens: 400, output_tokens: 1 }));
    expect(normalizer.turnTokensSoFar).toBe(713);
    normalizer.normalize({ type: "result", subtype: "success", is_error: false, result: "ok", usage: { input_tokens: 700, output_tokens: 30 } });
    expect(normalizer.turnTokensSoFar).toBe(0);
  });

  it("rounds away float noise in deltas", () => {
    const normalizer = new ClaudeMessageNormalizer();
    const result = (total: number) => ({ type: "result", subtype: "success", is_error: false, result: "ok", total_cost_usd: total, usage: {} });
    normalizer.normalize(result(0.003));
    expect(normalizer.normalize(result(0.005))[0]!.costUsd).toBe(0.002);
  });

  it("starts from a baseline when resuming, and treats a falling total as a restarted counter", () => {
    const normalizer = new ClaudeMessageNormalizer({ costBaselineUsd: 0.01 });
    const result = (total: number) => ({ type: "result", subtype: "success", is_error: false, total_cost_usd: total, usage: { input_tokens: 1, output_tokens: 2 } });
    expect(normalizer.normalize(result(0.012))[0]).toMatchObject({ type: "usage", costUsd: 0.002, inputTokens: 1, outputTokens: 2 });
    expect(normalizer.normalize(result(0.001))[0]).toMatchObject({ type: "usage", costUsd: 0.001 });
  });

  it("includes cache tokens in the payload", () => {
    const [usage] = new ClaudeMessageNormalizer().normalize({
      type: "result",
      subtype: "success",
      is_error: false,
      total_cost_usd: 0.1,
      usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 700, cache_creation_input_tokens: 30 },
    });
    expect(usage).toMatchObject({ inputTokens: 10, outputTokens: 5, costUsd: 0.1, payload: { cacheReadInputTokens: 700, cacheCreationInputTokens: 30 } });
  });
});

describe("API errors", () => {
  const retried = [
    { file: "api-error-401-retries.jsonl", status: 401, category: "authentication_failed", detail: "Invalid API key · Fix external API key" },
    { file: "api-error-429.jsonl", status: 429, category: "rate_limit", detail: "API Error: Request rejected (429) · mock rate limited" },
    { file: "api-error-500.jsonl", status: 500, category: "server_error", detail: "API Error: 500 mock internal error." },
    { file: "api-error-529.jsonl", status: 529, category: "server_error", detail: "API Error: 529 Overloaded." },
  ];

  it.each(retried)("$file → agent.retrying per attempt, then agent.failed with HTTP $status", ({ file, status, category, detail }) => {
    const messages = stream(`streams/${file}`);
    const normalizer = new ClaudeMessageNormalizer();
    const events = run(messages, normalizer);
    expect(types(events)).toEqual(["session.started", "agent.retrying", "agent.retrying", "usage", "agent.failed"]);
    const retries = ofType(events, "agent.retrying");
    expect(retries.map((e) => e.payload.attempt)).toEqual([1, 2]);
    expect(retries.map((e) => e.payload.maxRetries)).toEqual([2, 2]);
    expect(retries.map((e) => e.payload.httpStatus)).toEqual([status, status]);
    expect(retries[0]!.summary).toMatch(new RegExp(`^retrying after ${status} \\w+ \\(attempt 1/2, \\d\\.\\d s\\)$`));
    expect(retries[0]!.payload.delayMs).toBeGreaterThan(400);

    const failed = events.at(-1)!;
    expect(failed).toMatchObject({ type: "agent.failed", status: "error", payload: { apiErrorStatus: status, errorCategory: category, subtype: "success" } });
    expect(failed.summary!.startsWith(`API error ${status}: ${category} — ${detail}`)).toBe(true);
    const result = messages.find((m) => m.type === "result");
    expect(normalizer.turnOutcome(result)).toMatchObject({ status: "failed", error: failed.summary });
  });

  it("formats the retry summary like the operator reads it", () => {
    const [event] = new ClaudeMessageNormalizer().normalize({
      type: "system",
      subtype: "api_retry",
      attempt: 2,
      max_retries: 10,
      retry_delay_ms: 1234.5,
      error_status: 500,
      error: "server_error",
    });
    expect(event).toMatchObject({
      type: "agent.retrying",
      summary: "retrying after 500 server_error (attempt 2/10, 1.2 s)",
      payload: { attempt: 2, maxRetries: 10, delayMs: 1235, httpStatus: 500, error: "server_error" },
    });
  });

  it("400 fails without retries", () => {
    const events = run(stream("streams/api-error-400.jsonl"));
    expect(ofType(events, "agent.retrying")).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "agent.failed", summary: "API error 400: unknown — API Error: 400 mock bad request" });
  });

  it("connection refused has no HTTP status but still reads as an API error", () => {
    const events = run(stream("streams/connection-refused.jsonl"));
    expect(ofType(events, "agent.retrying")[0]).toMatchObject({ summary: "retrying after unknown (attempt 1/1, 0.5 s)", payload: { httpStatus: undefined } });
    expect(events.at(-1)!.summary).toBe("API error: server_error — API Error: Unable to connect to API (ConnectionRefused)");
  });

  it("the synthetic API-error assistant message is not shown as a model reply", () => {
    expect(ofType(run(stream("streams/api-error-500.jsonl")), "message.assistant")).toEqual([]);
  });

  it("a mid-stream SSE error that Claude recovered from is a normal turn", () => {
    expect(types(run(stream("streams/mid-stream-error-fallback.jsonl")))).toEqual(["session.started", "message.assistant", "usage", "turn.finished"]);
  });
});

describe("limits and interrupts", () => {
  it("max budget: the unanswered tool is closed as cancelled, then agent.failed", () => {
    const events = run(stream("streams/max-budget.jsonl"));
    expect(types(events)).toEqual(["session.started", "tool.started", "tool.finished", "usage", "agent.failed"]);
    expect(events[2]).toMatchObject({ status: "cancelled", toolName: "Bash", payload: { toolUseId: "toolu_25" } });
    expect(events.at(-1)).toMatchObject({ summary: "budget limit reached: Reached maximum budget ($0.0005)", payload: { kind: "max_budget" } });
  });

  it("max turns → agent.failed", () => {
    expect(run(stream("streams/max-turns.jsonl")).at(-1)).toMatchObject({
      type: "agent.failed",
      summary: "max turns reached: Reached maximum number of turns (1)",
      payload: { kind: "max_turns", terminalReason: "max_turns" },
    });
  });

  it("interrupt while streaming → agent.interrupted, and the next turn on the same process completes", () => {
    const messages = exchangeStdout("interrupt-streaming.jsonl");
    const normalizer = new ClaudeMessageNormalizer();
    const events = run(messages, normalizer);
    expect(types(events)).toEqual([
      "session.started",
      "message.assistant",
      "usage",
      "agent.interrupted",
      "message.assistant",
      "usage",
      "turn.finished",
    ]);
    expect(events[3]).toMatchObject({ status: "cancelled", summary: "interrupted", payload: { terminalReason: "aborted_streaming" } });
    const [interrupted, completed] = messages.filter((m) => m.type === "result");
    expect(normalizer.turnOutcome(interrupted)).toMatchObject({ status: "cancelled" });
    expect(normalizer.turnOutcome(completed)).toMatchObject({ status: "completed" });
  });

  it("interrupt during a tool → the tool is cancelled, then agent.interrupted", () => {
    const events = run(exchangeStdout("interrupt-tool.jsonl"));
    expect(ofType(events, "tool.finished")).toMatchObject([{ status: "cancelled", toolName: "Bash", summary: "Bash: sleep 30; echo slept (cancelled by the user)" }]);
    expect(events.at(-1)).toMatchObject({ type: "agent.interrupted", status: "cancelled", summary: "interrupted during a tool call" });
  });

  it("SIGINT and deny-with-interrupt read the same way", () => {
    expect(run(exchangeStdout("sigint.jsonl")).at(-1)).toMatchObject({ type: "agent.interrupted" });
    const denied = run(exchangeStdout("permission-allow-without-updatedInput-then-deny-interrupt.jsonl"));
    expect(ofType(denied, "turn.finished")).toHaveLength(1);
    expect(denied.at(-1)).toMatchObject({ type: "agent.interrupted", payload: { terminalReason: "aborted_tools" } });
  });

  it("error_during_execution without terminal_reason counts as interrupted only after an interrupt", () => {
    const result = { type: "result", subtype: "error_during_execution", is_error: true, errors: ["boom"], total_cost_usd: 0 };
    const plain = new ClaudeMessageNormalizer();
    expect(plain.normalize(result).at(-1)).toMatchObject({ type: "agent.failed", summary: "execution error: boom" });

    const noted = new ClaudeMessageNormalizer();
    noted.noteInterruptSent();
    expect(noted.normalize(result).at(-1)).toMatchObject({ type: "agent.interrupted", status: "cancelled" });
    expect(noted.normalize(result).at(-1)).toMatchObject({ type: "agent.failed" }); // the note lasts one turn

    const marked = new ClaudeMessageNormalizer();
    marked.normalize({ type: "user", message: { role: "user", content: [{ type: "text", text: "[Request interrupted by user]" }] } });
    expect(marked.normalize(result).at(-1)).toMatchObject({ type: "agent.interrupted" });
  });

  it("turnOutcome works on a result it has not normalized yet", () => {
    const normalizer = new ClaudeMessageNormalizer();
    expect(normalizer.turnOutcome({ type: "result", subtype: "success", is_error: false, result: "hi" })).toEqual({ status: "completed", result: "hi" });
    expect(normalizer.turnOutcome({ type: "assistant" })).toMatchObject({ status: "failed" });
  });

  it("a hook that stops the turn (continue:false) is a normal end", () => {
    expect(run(stream("streams/hook-pretooluse-continue-false.jsonl")).at(-1)).toMatchObject({ type: "turn.finished", status: "ok", summary: "stopped by a hook" });
  });
});

describe("system messages", () => {
  it("compaction → context.compacting then context.compacted", () => {
    const events = run(stream("streams/compact.jsonl"));
    expect(ofType(events, "context.compacting")).toHaveLength(1);
    expect(ofType(events, "context.compacted")[0]).toMatchObject({
      summary: "context compacted (manual): 120 → 623 tokens",
      payload: { trigger: "manual", preTokens: 120, postTokens: 623 },
    });
  });

  it("subagent tasks → subagent.started / subagent.finished; long Bash tasks add nothing", () => {
    const events = run(stream("streams/subagent.jsonl"));
    expect(ofType(events, "subagent.started")[0]).toMatchObject({
      summary: "general-purpose: sub task",
      payload: { taskId: "afe3622855c0d0bd2", toolUseId: "toolu_5", prompt: "SUBAGENT-TASK: say hi" },
    });
    expect(ofType(events, "subagent.finished")[0]).toMatchObject({ status: "ok", payload: { taskStatus: "completed", usage: { total_tokens: 101 } } });
    const bash = run(stream("streams/long-bash-task-events.jsonl"));
    expect(ofType(bash, "subagent.started")).toEqual([]);
    expect(ofType(bash, "subagent.finished")).toEqual([]);
  });

  it("messages inside a subagent keep parent_tool_use_id", () => {
    const normalizer = new ClaudeMessageNormalizer();
    const inner = normalizer.normalize({
      type: "assistant",
      parent_tool_use_id: "toolu_5",
      message: { content: [{ type: "text", text: "looking" }, { type: "tool_use", id: "toolu_inner", name: "Read", input: { file_path: "/w/a" } }] },
    });
    const done = normalizer.normalize({ type: "user", parent_tool_use_id: "toolu_5", message: { content: [{ type: "tool_result", tool_use_id: "toolu_inner", content: "a" }] } });
    for (const event of [...inner, ...done]) expect(event.payload.parentToolUseId).toBe("toolu_5");
    expect(types([...inner, ...done])).toEqual(["message.assistant", "tool.started", "tool.finished"]);
    const top = normalizer.normalize({ type: "assistant", parent_tool_use_id: null, message: { content: [{ type: "text", text: "top" }] } });
    expect(top[0]!.payload).not.toHaveProperty("parentToolUseId");
  });

  it("a failing hook → hook.failed; successful ones add nothing", () => {
    const events = run(stream("streams/hook-pretooluse-exit2.jsonl"));
    expect(ofType(events, "hook.failed")).toMatchObject([
      { status: "error", summary: "PreToolUse:Write hook failed (exit 2): nope via exit 2", payload: { hookEvent: "PreToolUse", exitCode: 2 } },
    ]);
  });

  it("informational and notification lines → agent.notice", () => {
    const blocked = run(stream("streams/hook-userpromptsubmit-block.jsonl"));
    expect(ofType(blocked, "agent.notice")[0]).toMatchObject({ summary: expect.stringMatching(/^UserPromptSubmit operation blocked by hook: prompt rejected/), payload: { level: "warning" } });
    const stopBlocked = run(stream("streams/hook-stop-block.jsonl"));
    expect(ofType(stopBlocked, "agent.notice")[0]).toMatchObject({ payload: { key: "stop-hook-error" } });
  });

  it("a later init with the same session id adds nothing; a new session id starts a new session", () => {
    const normalizer = new ClaudeMessageNormalizer();
    const init = (id: string) => ({ type: "system", subtype: "init", session_id: id, model: "m", cwd: "/w", tools: [] });
    expect(normalizer.normalize(init("s1"))).toHaveLength(1);
    expect(normalizer.normalize(init("s1"))).toEqual([]);
    expect(normalizer.normalize(init("s2"))[0]).toMatchObject({ type: "session.started", payload: { sessionId: "s2" } });
    expect(normalizer.sessionId).toBe("s2");
  });

  it("thinking blocks → message.thinking", () => {
    const [event] = new ClaudeMessageNormalizer().normalize({ type: "assistant", message: { content: [{ type: "thinking", thinking: "let me  think\nabout it", signature: "x" }] } });
    expect(event).toMatchObject({ type: "message.thinking", summary: "let me think about it", payload: { text: "let me  think\nabout it" } });
  });
});

describe("robustness", () => {
  it("returns [] for garbage and never throws", () => {
    const hostile = {
      get type(): string {
        throw new Error("boom");
      },
    };
    const garbage: unknown[] = [
      null,
      undefined,
      42,
      "not json",
      [],
      [{ type: "result" }],
      {},
      { type: 7 },
      { type: "bogus" },
      { type: "system" },
      { type: "system", subtype: "no_such_subtype" },
      { type: "system", subtype: "status", status: "requesting" },
      { type: "control_cancel_request", request_id: "r1" },
      { type: "control_request", request: { subtype: "can_use_tool" } },
      { type: "stream_event", event: { type: "content_block_delta" } },
      { type: "assistant" },
      { type: "assistant", message: "nope" },
      { type: "assistant", message: { content: [null, 5, "x", { type: "text" }, { type: "mystery" }] } },
      { type: "user", message: { content: [null, { type: "text", text: 5 }] } },
      hostile,
    ];
    const normalizer = new ClaudeMessageNormalizer();
    for (const message of garbage) expect(normalizer.normalize(message)).toEqual([]);
  });

  it("malformed known shapes degrade instead of throwing", () => {
    const normalizer = new ClaudeMessageNormalizer();
    expect(normalizer.normalize({ type: "user", message: { content: [{ type: "tool_result" }] } })).toMatchObject([{ type: "tool.finished", status: "ok" }]);
    expect(normalizer.normalize({ type: "assistant", message: { content: [{ type: "tool_use", input: "x" }] } })).toMatchObject([{ type: "tool.started", toolName: "tool" }]);
    // The id-less tool_use above cannot be tracked, so nothing is left open to close here.
    const events = normalizer.normalize({ type: "result" });
    expect(types(events)).toEqual(["usage", "agent.failed"]);
  });

  it("clips tool output to 8 KiB and says so", () => {
    const normalizer = new ClaudeMessageNormalizer();
    normalizer.normalize({ type: "assistant", message: { content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "yes" } }] } });
    const [finished] = ofType(normalizer.normalize({ type: "user", message: { content: [{ type: "tool_result", tool_use_id: "t1", content: "é".repeat(10_000), is_error: false }] } }), "tool.finished");
    expect(finished!.payload.truncated).toBe(true);
    expect(Buffer.byteLength(finished!.payload.output as string)).toBeLessThanOrEqual(MAX_TOOL_OUTPUT_BYTES);
    expect(finished!.payload.output).not.toMatch(/\uFFFD/);
  });

  it("every captured stream maps to documented types, each with payload.raw and a payload the catalogue accepts", () => {
    const streams = readdirSync(new URL("streams/", claudeFixtures)).filter((f) => f.endsWith(".jsonl")).map((f) => stream(`streams/${f}`));
    const exchanges = readdirSync(new URL("exchanges/", claudeFixtures)).map((f) => exchangeStdout(f));
    const single = JSON.parse(readFileSync(new URL("streams/output-format-json.json", claudeFixtures), "utf8")) as Message;
    let count = 0;
    for (const messages of [...streams, ...exchanges, [single]]) {
      for (const event of run(messages)) {
        count++;
        expect(documentedTypes).toContain(event.type);
        expect(event.payload.raw).toBeDefined();
        const read = readPayload(event.type, event.payload);
        expect(read.ok ? "ok" : `${event.type}: ${read.error}`).toBe("ok");
        if (event.summary !== undefined) expect(event.summary.length).toBeLessThanOrEqual(300);
      }
    }
    expect(count).toBeGreaterThan(150);
  });
});
