import { afterEach } from 'vitest';
import { startModelStub, type ModelStub, type ScenarioInput } from '../src/index.ts';

// Small HTTP helpers for talking to the stub the way an Anthropic client would.

/** Starts stubs for a test file's tests and closes them after each test. */
export function stubsClosedAfterEach(): (scenario: ScenarioInput) => Promise<ModelStub> {
  const open: ModelStub[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async (scenario) => {
    const s = await startModelStub({ scenario });
    open.push(s);
    return s;
  };
}

export interface SseFrame {
  event: string;
  data: Record<string, unknown>;
}

export interface MessagesBodyOptions {
  text?: string;
  stream?: boolean;
  tools?: boolean;
  /** Put "Primary working directory: <cwd>" in the system prompt. */
  cwd?: string;
  system?: string;
}

/** A minimal request shaped like Claude Code's (reminder block first, then the prompt). */
export function messagesBody(opts: MessagesBodyOptions = {}): Record<string, unknown> {
  const system = [opts.system ?? 'You are a test agent.', opts.cwd ? ` - Primary working directory: ${opts.cwd}` : '']
    .filter(Boolean)
    .join('\n');
  return {
    model: 'claude-test-1',
    max_tokens: 1024,
    stream: opts.stream ?? true,
    system: [{ type: 'text', text: system }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>\nignore me\n</system-reminder>' },
          { type: 'text', text: opts.text ?? 'hello there' },
        ],
      },
    ],
    tools: opts.tools === false ? [] : [{ name: 'Write', input_schema: { type: 'object' } }],
  };
}

export function post(url: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'test' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

function parseFrame(raw: string): SseFrame {
  let event = '';
  let data = '';
  for (const line of raw.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  return { event, data: JSON.parse(data) as Record<string, unknown> };
}

/** Read SSE frames until the stream ends; a broken connection is reported, not thrown. */
export async function readSse(res: Response): Promise<{ frames: SseFrame[]; broken: boolean }> {
  const frames: SseFrame[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let broken = false;
  const reader = res.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        frames.push(parseFrame(buffer.slice(0, end)));
        buffer = buffer.slice(end + 2);
      }
    }
  } catch {
    broken = true;
  }
  return { frames, broken };
}

/** Rebuild the content blocks a client would assemble from the deltas. */
export function assemble(frames: SseFrame[]): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  const json: string[] = [];
  for (const { data } of frames) {
    const index = data.index as number;
    if (data.type === 'content_block_start') {
      blocks[index] = { ...(data.content_block as Record<string, unknown>) };
      json[index] = '';
    } else if (data.type === 'content_block_delta') {
      const delta = data.delta as { type: string; text?: string; partial_json?: string };
      const block = blocks[index]!;
      if (delta.type === 'text_delta') block.text = `${block.text as string}${delta.text}`;
      else json[index] += delta.partial_json ?? '';
    } else if (data.type === 'content_block_stop' && blocks[index]?.type === 'tool_use') {
      blocks[index].input = JSON.parse(json[index] ?? '{}');
    }
  }
  return blocks;
}
