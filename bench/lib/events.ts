/**
 * "Default bench events": realistic Claude Code hook events in the legacy wire shape that POST /events takes
 * (`{ source_app, session_id, hook_event_type, payload, timestamp }`), modelled on the fixtures in
 * /work/shared/reference/fixtures/claude-code/hooks/*.json. Deterministic (seeded PRNG), so every run sends the
 * same bytes.
 *
 * Mix (by count, measured over 20k events): PreToolUse ~38%, PostToolUse ~35%, PostToolUseFailure ~3%,
 * UserPromptSubmit ~9%, Stop ~8%, SubagentStart/SubagentStop/SessionStart/Notification ~1.5% each. tool_input is tens of bytes to ~2 KB
 * (Write/Edit carry code), tool_response a few hundred bytes to ~4 KB (Read returns file contents, Bash stdout).
 */

export interface WireEvent {
  source_app: string;
  session_id: string;
  hook_event_type: string;
  payload: Record<string, unknown>;
  timestamp: number;
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "const let return await async function export import from type interface string number boolean null undefined " +
  "if else for while switch case break continue new this class extends implements private readonly public static " +
  "session agent event payload timeline writer store batch commit query result error message status summary " +
  "request response server client handler router schema parse validate encode decode buffer stream socket " +
  "user prompt tool input output file path line column index value key map set list array object promise " +
  "config options limit offset cursor page seq id name model cost tokens duration started finished failed ok"
).split(" ");
const IDENTS = ["sessionId", "agentId", "eventId", "payloadJson", "appendBatch", "readJsonBody", "parseIngestBody", "page", "limit", "outcome", "results", "writer", "store", "db", "row", "rows", "summary", "config", "options"];
const FILES = [
  "src/server.ts", "src/http/body.ts", "src/routers/events.ts", "packages/db/src/events/writer.ts", "apps/web/src/App.tsx",
  "src/components/Timeline.tsx", "src/lib/format.ts", "README.md", "package.json", "src/cli/main.ts", "test/api.test.ts",
  "src/utils/retry.ts", "docs/events.md", "src/hooks/useSession.ts", "scripts/release.sh",
];
const TOOLS = ["Bash", "Read", "Edit", "Write", "Grep", "Glob", "Bash", "Read", "Edit", "Read", "Bash", "TodoWrite", "WebFetch", "Task"];
const COMMANDS = [
  "npm test -- --run", "git status --short", "ls -la src", "npm run typecheck", "git diff --stat", "node --version",
  "grep -rn TODO src | head -20", "cat package.json", "npx vitest run test/api.test.ts", "git log --oneline -10",
];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function int(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

/** Code-like text of about `bytes` characters: compresses roughly like real source (~3x with deflate level 1). */
export function codeText(rand: () => number, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  let indent = 0;
  while (size < bytes) {
    const n = int(rand, 2, 9);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(rand() < 0.3 ? pick(rand, IDENTS) : pick(rand, WORDS));
    if (rand() < 0.15) parts.push(String(int(rand, 0, 100_000)));
    const r = rand();
    let line = parts.join(" ");
    if (r < 0.2) {
      line += " {";
    } else if (r < 0.3 && indent > 0) {
      indent -= 1;
      line = "}";
    } else {
      line += ";";
    }
    line = "  ".repeat(indent) + line;
    if (line.endsWith("{")) indent = Math.min(indent + 1, 6);
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n").slice(0, bytes);
}

function prose(rand: () => number, bytes: number): string {
  const out: string[] = [];
  let size = 0;
  while (size < bytes) {
    const w = pick(rand, WORDS);
    out.push(w);
    size += w.length + 1;
  }
  return out.join(" ").slice(0, bytes) + ".";
}

function uuid(rand: () => number): string {
  const h = () => Math.floor(rand() * 0x10000).toString(16).padStart(4, "0");
  return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
}

function toolInput(rand: () => number, tool: string, cwd: string): Record<string, unknown> {
  const file = `${cwd}/${pick(rand, FILES)}`;
  switch (tool) {
    case "Bash":
      return { command: pick(rand, COMMANDS), description: prose(rand, int(rand, 20, 80)) };
    case "Read":
      return { file_path: file, ...(rand() < 0.3 ? { offset: int(rand, 1, 400), limit: 200 } : {}) };
    case "Edit":
      return { file_path: file, old_string: codeText(rand, int(rand, 40, 600)), new_string: codeText(rand, int(rand, 40, 800)), replace_all: false };
    case "Write":
      return { file_path: file, content: codeText(rand, int(rand, 300, 2_000)) };
    case "Grep":
      return { pattern: pick(rand, IDENTS), path: `${cwd}/src`, output_mode: "content", "-n": true };
    case "Glob":
      return { pattern: "src/**/*.ts", path: cwd };
    case "TodoWrite":
      return { todos: Array.from({ length: int(rand, 2, 6) }, (_, i) => ({ content: prose(rand, int(rand, 20, 90)), status: i === 0 ? "in_progress" : "pending", activeForm: prose(rand, 30) })) };
    case "WebFetch":
      return { url: `https://example.com/docs/${pick(rand, WORDS)}`, prompt: prose(rand, int(rand, 40, 160)) };
    default:
      return { description: prose(rand, 40), prompt: prose(rand, int(rand, 100, 600)), subagent_type: "general-purpose" };
  }
}

function toolResponse(rand: () => number, tool: string, input: Record<string, unknown>): unknown {
  switch (tool) {
    case "Bash":
      return { stdout: codeText(rand, int(rand, 20, 2_500)), stderr: rand() < 0.1 ? prose(rand, 80) : "", interrupted: false, isImage: false };
    case "Read": {
      const content = codeText(rand, int(rand, 300, 4_000));
      return { type: "text", file: { filePath: input.file_path, content, numLines: content.split("\n").length, startLine: 1, totalLines: int(rand, 50, 900) } };
    }
    case "Edit":
      return {
        filePath: input.file_path,
        oldString: input.old_string,
        newString: input.new_string,
        originalFile: null,
        structuredPatch: [{ oldStart: int(rand, 1, 300), oldLines: 3, newStart: int(rand, 1, 300), newLines: 4, lines: codeText(rand, 300).split("\n").map((l, i) => (i % 3 === 0 ? `-${l}` : `+${l}`)) }],
        userModified: false,
        replaceAll: false,
      };
    case "Write":
      return { type: "create", filePath: input.file_path, content: input.content, structuredPatch: [] };
    case "Grep":
      return { mode: "content", numFiles: int(rand, 1, 12), filenames: [], content: codeText(rand, int(rand, 100, 1_500)), numLines: int(rand, 1, 40) };
    case "Glob":
      return { filenames: Array.from({ length: int(rand, 3, 25) }, () => pick(rand, FILES)), durationMs: int(rand, 2, 40), numFiles: 10, truncated: false };
    case "TodoWrite":
      return { oldTodos: [], newTodos: input.todos };
    case "WebFetch":
      return { bytes: int(rand, 2_000, 90_000), code: 200, codeText: "OK", result: prose(rand, int(rand, 200, 1_500)), durationMs: int(rand, 100, 3_000), url: input.url };
    default:
      return { content: [{ type: "text", text: prose(rand, int(rand, 200, 1_200)) }], totalDurationMs: int(rand, 1_000, 60_000), totalTokens: int(rand, 1_000, 40_000) };
  }
}

export interface BenchEventOptions {
  /** source_app: one Rozet session per app. */
  app?: string;
  /** Seeds the PRNG; the same seed yields the same events. */
  seed?: number;
}

/** An endless, deterministic stream of default bench events for one app (a few Claude sessions inside it). */
export function benchEventStream(options: BenchEventOptions = {}): () => WireEvent {
  const rand = prng(options.seed ?? 1);
  const app = options.app ?? "bench-app";
  const cwd = `/home/dev/projects/${app}`;
  const sessions = Array.from({ length: 4 }, () => uuid(rand));
  let promptId = uuid(rand);
  let pendingTool: { tool: string; input: Record<string, unknown>; id: string } | null = null;
  let n = 0;
  return () => {
    n += 1;
    const sessionId = sessions[n % sessions.length]!;
    const base = {
      session_id: sessionId,
      transcript_path: `/home/dev/.claude/projects/-home-dev-projects-${app}/${sessionId}.jsonl`,
      cwd,
      prompt_id: promptId,
      permission_mode: "default",
      effort: { level: "high" },
    };
    let hook: string;
    let payload: Record<string, unknown>;
    // Tool calls alternate Pre/Post (a started tool usually finishes next); prompts, stops etc. fall in between.
    const toolStep = pendingTool ? rand() < 0.85 : rand() < 0.7;
    const r = toolStep ? -1 : rand();
    if (toolStep && pendingTool) {
      // Finish the tool started earlier (PostToolUse or, rarely, PostToolUseFailure).
      const { tool, input, id } = pendingTool;
      pendingTool = null;
      if (rand() < 0.08) {
        hook = "PostToolUseFailure";
        payload = { ...base, hook_event_name: hook, tool_name: tool, tool_input: input, tool_use_id: id, error: `Exit code 1\n${prose(rand, int(rand, 40, 400))}`, is_interrupt: false, duration_ms: int(rand, 5, 4_000) };
      } else {
        hook = "PostToolUse";
        payload = { ...base, hook_event_name: hook, tool_name: tool, tool_input: input, tool_response: toolResponse(rand, tool, input), tool_use_id: id, duration_ms: int(rand, 2, 8_000) };
      }
    } else if (toolStep) {
      const tool = pick(rand, TOOLS);
      const input = toolInput(rand, tool, cwd);
      const id = `toolu_${uuid(rand).replace(/-/g, "").slice(0, 24)}`;
      pendingTool = { tool, input, id };
      hook = "PreToolUse";
      payload = { ...base, hook_event_name: hook, tool_name: tool, tool_input: input, tool_use_id: id };
    } else if (r < 0.4) {
      promptId = uuid(rand);
      hook = "UserPromptSubmit";
      payload = { ...base, prompt_id: promptId, hook_event_name: hook, prompt: prose(rand, int(rand, 30, 700)) };
    } else if (r < 0.75) {
      hook = "Stop";
      payload = { ...base, hook_event_name: hook, stop_hook_active: false, last_assistant_message: prose(rand, int(rand, 80, 1_500)), background_tasks: [], session_crons: [] };
    } else if (r < 0.81) {
      hook = "SubagentStart";
      payload = { ...base, hook_event_name: hook, agent_id: uuid(rand).slice(0, 17), agent_type: "general-purpose" };
    } else if (r < 0.87) {
      hook = "SubagentStop";
      const agentId = uuid(rand).slice(0, 17);
      payload = { ...base, hook_event_name: hook, agent_id: agentId, agent_type: "general-purpose", stop_hook_active: false, agent_transcript_path: `/home/dev/.claude/projects/x/${sessionId}/subagents/agent-${agentId}.jsonl`, last_assistant_message: prose(rand, int(rand, 40, 600)), background_tasks: [], session_crons: [] };
    } else if (r < 0.93) {
      hook = "SessionStart";
      payload = { session_id: sessionId, transcript_path: base.transcript_path, cwd, hook_event_name: hook, source: "startup", model: "claude-sonnet-4-5" };
    } else {
      hook = "Notification";
      payload = { ...base, hook_event_name: hook, message: "Claude needs your permission to use Bash", notification_type: "permission_prompt" };
    }
    return { source_app: app, session_id: sessionId, hook_event_type: hook, payload, timestamp: Date.now() };
  };
}

/** A PostToolUse (Read) event whose payload serializes to about `payloadBytes` bytes of code-like text. */
export function bigEventStream(payloadBytes: number, options: BenchEventOptions = {}): () => WireEvent {
  const rand = prng(options.seed ?? 7);
  const app = options.app ?? "bench-big";
  const sessionId = uuid(rand);
  let n = 0;
  return () => {
    n += 1;
    const filePath = `/home/dev/projects/${app}/${pick(rand, FILES)}`;
    const head = {
      session_id: sessionId,
      transcript_path: `/home/dev/.claude/projects/x/${sessionId}.jsonl`,
      cwd: `/home/dev/projects/${app}`,
      hook_event_name: "PostToolUse",
      tool_name: "Read",
      tool_input: { file_path: filePath },
      tool_use_id: `toolu_big_${n}`,
      duration_ms: 3,
    };
    // JSON escaping of newlines grows the text a little; aim the raw content slightly under the target.
    const overhead = JSON.stringify({ ...head, tool_response: { type: "text", file: { filePath, content: "", numLines: 0 } } }).length;
    const lines = Math.max(0, payloadBytes - overhead);
    let content = codeText(rand, Math.floor(lines * 0.97));
    const payload = { ...head, tool_response: { type: "text", file: { filePath, content, numLines: content.split("\n").length } } };
    const size = Buffer.byteLength(JSON.stringify(payload));
    if (size < payloadBytes) content += " ".repeat(payloadBytes - size);
    (payload.tool_response.file as { content: string }).content = content;
    return { source_app: app, session_id: sessionId, hook_event_type: "PostToolUse", payload, timestamp: Date.now() };
  };
}

/** `count` pre-serialized single-event bodies, distinct, cycled by the load generator. */
export function serializeMany(next: () => WireEvent, count: number): Buffer[] {
  return Array.from({ length: count }, () => Buffer.from(JSON.stringify(next())));
}

/** `count` pre-serialized batch bodies (`{ events: [...] }`) of `size` events each. */
export function serializeBatches(next: () => WireEvent, count: number, size: number): Buffer[] {
  return Array.from({ length: count }, () => Buffer.from(JSON.stringify({ events: Array.from({ length: size }, next) })));
}
