import { describe, expect, it } from 'vitest';
import { post, stubsClosedAfterEach } from './http.ts';

// The Gemini API as Gemini CLI calls it (`/v1beta/models/{model}:streamGenerateContent?alt=sse`, `:generateContent`,
// `:countTokens`), answered from the same scenario steps as /v1/messages and /v1/responses.

const stub = stubsClosedAfterEach();

const STREAM = '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse';
const UNARY = '/v1beta/models/gemini-2.5-flash:generateContent';

/** A request shaped like Gemini CLI's: session context first, then the user's text; function declarations. */
function geminiBody(opts: { text?: string; cwd?: string; history?: unknown[] } = {}): Record<string, unknown> {
  return {
    systemInstruction: { role: 'user', parts: [{ text: 'You are an interactive CLI agent.' }] },
    contents: [
      {
        role: 'user',
        parts: [
          { text: `<session_context>\nThis is the Gemini CLI.\n- **Workspace Directories:**\n  - ${opts.cwd ?? '/work/proj'}\n- **Directory Structure:**\n</session_context>` },
          { text: opts.text ?? 'write it' },
        ],
      },
      ...(opts.history ?? []),
    ],
    tools: [{ functionDeclarations: [{ name: 'write_file', parameters: {} }, { name: 'run_shell_command', parameters: {} }] }],
    generationConfig: { temperature: 1 },
  };
}

type Chunk = { candidates?: Array<{ content: { parts: Array<Record<string, unknown>> }; finishReason?: string }>; usageMetadata?: Record<string, number>; error?: Record<string, unknown> };

/** The `data:` frames of a Gemini SSE stream (the API separates them with CRLF CRLF); a broken connection is reported. */
async function readGeminiSse(res: Response): Promise<{ chunks: Chunk[]; broken: boolean; raw: string }> {
  let raw = '';
  let broken = false;
  try {
    raw = await res.text();
  } catch {
    broken = true;
  }
  const chunks = raw
    .split(/\r?\n\r?\n/)
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice(6)) as Chunk);
  return { chunks, broken, raw };
}

const writeStep = {
  content: [{ text: 'Writing the file now, then I will stop.' }, { tool_use: { name: 'write_file', input: { file_path: '{{cwd}}/a.txt', content: 'hi\n' } } }],
  usage: { input_tokens: 11, output_tokens: 7 },
};

describe('Gemini API', () => {
  it('streams text in several chunks, then the function call whole; the last chunk has finishReason and usage', async () => {
    const s = await stub({ steps: [writeStep] });
    const res = await post(s.url, STREAM, geminiBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { chunks, raw } = await readGeminiSse(res);
    expect(raw).toContain('\r\n\r\n');
    const parts = chunks.flatMap((c) => c.candidates![0]!.content.parts);
    const texts = parts.filter((p) => 'text' in p).map((p) => p.text as string);
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.join('')).toBe('Writing the file now, then I will stop.');
    const call = parts.find((p) => 'functionCall' in p)!.functionCall as Record<string, unknown>;
    expect(call).toMatchObject({ name: 'write_file', args: { file_path: '/work/proj/a.txt', content: 'hi\n' } });
    expect(String(call.id)).toMatch(/^fc_stub_/);
    expect(chunks.slice(0, -1).every((c) => c.candidates![0]!.finishReason === undefined && c.usageMetadata === undefined)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 11, candidatesTokenCount: 7, totalTokenCount: 18 } });

    expect(s.requests[0]).toMatchObject({
      path: STREAM,
      model: 'gemini-2.5-pro',
      stream: true,
      hasTools: true,
      toolNames: ['write_file', 'run_shell_command'],
      lastUserText: 'write it', // the session context is not what the user typed
      cwd: '/work/proj',
      step: 0,
    });
  });

  it('answers generateContent with one response holding every part; countTokens does not take a step', async () => {
    const s = await stub({ steps: [writeStep] });
    const counted = await post(s.url, '/v1beta/models/gemini-2.5-pro:countTokens', geminiBody());
    expect(await counted.json()).toMatchObject({ totalTokens: expect.any(Number) as number });
    const res = await post(s.url, UNARY, geminiBody());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Chunk;
    expect(body.candidates![0]!.content.parts).toEqual([
      { text: 'Writing the file now, then I will stop.' },
      { functionCall: { id: expect.stringMatching(/^fc_stub_/) as string, name: 'write_file', args: { file_path: '/work/proj/a.txt', content: 'hi\n' } } },
    ]);
    expect(s.requests.map((request) => request.step)).toEqual([undefined, 0]);
  });

  it('after a function response the last user text is still the typed prompt; matches and fallback work', async () => {
    const s = await stub({ steps: [{ match: { lastUserTextIncludes: 'second' }, content: [{ text: 'matched' }] }, { content: [{ text: 'cut' }], stopReason: 'max_tokens' }] });
    const history = [
      { role: 'model', parts: [{ functionCall: { name: 'write_file', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'write_file', response: { output: 'ok' } } }] },
    ];
    const first = (await (await post(s.url, UNARY, geminiBody({ text: 'first', history }))).json()) as Chunk;
    expect(first.candidates![0]).toMatchObject({ finishReason: 'MAX_TOKENS' });
    expect(s.requests[0]!.lastUserText).toBe('first');
    const second = (await (await post(s.url, UNARY, geminiBody({ text: 'the second one' }))).json()) as Chunk;
    expect(second.candidates![0]!.content.parts).toEqual([{ text: 'matched' }]);
    const third = (await (await post(s.url, UNARY, geminiBody())).json()) as Chunk;
    expect(third.candidates![0]!.content.parts).toEqual([{ text: 'stub: no more scripted steps' }]);
  });

  it('answers errors with Google error bodies; a stream error is an error frame; a stream can be cut', async () => {
    const s = await stub({
      steps: [
        { error: { status: 429 } },
        { error: { status: 500, message: 'boom' } },
        { content: [{ text: 'partial answer that goes on for a while' }], streamError: { afterChunks: 1 } },
        { ...writeStep, cutStreamAfterChunks: 1 },
      ],
    });
    const limited = await post(s.url, STREAM, geminiBody());
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: { code: 429, message: 'stub: HTTP 429', status: 'RESOURCE_EXHAUSTED' } });
    const failed = await post(s.url, STREAM, geminiBody());
    expect(await failed.json()).toEqual({ error: { code: 500, message: 'boom', status: 'INTERNAL' } });
    const errored = await readGeminiSse(await post(s.url, STREAM, geminiBody()));
    expect(errored.chunks).toHaveLength(2);
    expect(errored.chunks[1]).toEqual({ error: { code: 503, message: 'Overloaded', status: 'UNAVAILABLE' } });
    const cut = await readGeminiSse(await post(s.url, STREAM, geminiBody()));
    expect(cut.broken).toBe(true);
  });

  it('rejects a body without contents, naming the field', async () => {
    const s = await stub({ steps: [] });
    const res = await post(s.url, UNARY, { generationConfig: {} });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('contents');
  });
});
