import { describe, expect, it } from 'vitest';
import { post, readSse, type SseFrame, stubsClosedAfterEach } from './http.ts';

// POST /v1/responses: the OpenAI Responses API as Codex calls it (codex-acp, `codex exec`), answered from the
// same scenario steps as /v1/messages.

const stub = stubsClosedAfterEach();

/** A request shaped like Codex's: developer + environment context + the user's text, function tools. */
function responsesBody(opts: { text?: string; stream?: boolean; cwd?: string } = {}): Record<string, unknown> {
  return {
    model: 'gpt-5',
    instructions: 'You are a coding agent running in the Codex CLI.',
    stream: opts.stream ?? true,
    input: [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>sandbox</permissions instructions>' }] },
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: `<environment_context>\n  <cwd>${opts.cwd ?? '/work/proj'}</cwd>\n  <shell>bash</shell>\n</environment_context>` }],
      },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: opts.text ?? 'run it' }] },
    ],
    tools: [{ type: 'function', name: 'exec_command', parameters: { type: 'object' } }, { type: 'web_search' }],
  };
}

const execStep = {
  content: [{ text: 'Running the command now, then I will stop.' }, { tool_use: { name: 'exec_command', input: { cmd: 'ls {{cwd}}', workdir: '{{cwd}}' } } }],
};

/** Rebuild the output items a client assembles from the deltas, and check the `done` events agree. */
function assembleItems(frames: SseFrame[]): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  for (const { data } of frames) {
    const index = data.output_index as number;
    if (data.type === 'response.output_item.added') items[index] = { ...(data.item as Record<string, unknown>), text: '', args: '' };
    if (data.type === 'response.output_text.delta') items[index]!.text = `${items[index]!.text as string}${data.delta as string}`;
    if (data.type === 'response.function_call_arguments.delta') items[index]!.args = `${items[index]!.args as string}${data.delta as string}`;
    if (data.type === 'response.output_item.done') items[index]!.done = data.item;
  }
  return items;
}

describe('POST /v1/responses', () => {
  it('streams the Responses event sequence with text and function_call items', async () => {
    const s = await stub({ steps: [{ ...execStep, usage: { input_tokens: 11, output_tokens: 7 } }] });
    const res = await post(s.url, '/v1/responses', responsesBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { frames, broken } = await readSse(res);
    expect(broken).toBe(false);
    for (const frame of frames) expect(frame.data.type).toBe(frame.event);

    const kinds = frames.map((frame) => frame.event);
    expect(kinds.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(kinds.at(-1)).toBe('response.completed');
    expect(kinds.filter((kind) => kind === 'response.output_text.delta').length).toBeGreaterThan(1);

    const items = assembleItems(frames);
    expect(items[0]).toMatchObject({ type: 'message', role: 'assistant', text: 'Running the command now, then I will stop.' });
    expect(items[0]!.done).toMatchObject({ content: [{ type: 'output_text', text: 'Running the command now, then I will stop.' }] });
    expect(items[1]).toMatchObject({ type: 'function_call', name: 'exec_command' });
    expect(JSON.parse(items[1]!.args as string)).toEqual({ cmd: 'ls /work/proj', workdir: '/work/proj' });
    expect(String(items[1]!.call_id)).toMatch(/^call_stub_/);
    expect((items[1]!.done as Record<string, unknown>).arguments).toBe(items[1]!.args);

    const completed = frames.at(-1)!.data.response as Record<string, unknown>;
    expect(completed).toMatchObject({ status: 'completed', model: 'gpt-5', usage: { input_tokens: 11, output_tokens: 7, total_tokens: 18 } });
    expect(completed.output).toHaveLength(2);

    expect(s.requests[0]).toMatchObject({
      path: '/v1/responses',
      model: 'gpt-5',
      stream: true,
      hasTools: true,
      toolNames: ['exec_command', 'web_search'],
      lastUserText: 'run it', // the environment context block is not what the user typed
      cwd: '/work/proj',
      step: 0,
    });
  });

  it('answers stream:false with the response object', async () => {
    const s = await stub({ steps: [{ content: [{ text: 'hi' }] }] });
    const res = await post(s.url, '/v1/responses', responsesBody({ stream: false }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ object: 'response', status: 'completed', output: [{ type: 'message', content: [{ text: 'hi' }] }] });
  });

  it('shares the script with /v1/messages: matches, fallback, max_tokens as incomplete', async () => {
    const s = await stub({
      steps: [
        { match: { lastUserTextIncludes: 'second' }, content: [{ text: 'matched' }] },
        { content: [{ text: 'cut' }], stopReason: 'max_tokens' },
      ],
    });
    const first = await readSse(await post(s.url, '/v1/responses', responsesBody({ text: 'first' })));
    expect(first.frames.at(-1)).toMatchObject({ event: 'response.incomplete', data: { response: { incomplete_details: { reason: 'max_output_tokens' } } } });
    const second = await readSse(await post(s.url, '/v1/responses', responsesBody({ text: 'the second one' })));
    expect(assembleItems(second.frames)[0]).toMatchObject({ text: 'matched' });
    const third = await readSse(await post(s.url, '/v1/responses', responsesBody()));
    expect(assembleItems(third.frames)[0]).toMatchObject({ text: 'stub: no more scripted steps' });
    expect(s.requests.map((request) => request.step)).toEqual([1, 0, 'fallback']);
  });

  it('answers errors with OpenAI error bodies, and a stream error with response.failed', async () => {
    const s = await stub({
      steps: [{ error: { status: 401 } }, { error: { status: 500, message: 'boom' } }, { content: [{ text: 'partial answer here' }], streamError: { afterChunks: 3 } }],
    });
    const unauthorized = await post(s.url, '/v1/responses', responsesBody());
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
    const failed = await post(s.url, '/v1/responses', responsesBody());
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { type: 'server_error', message: 'boom' } });
    const { frames } = await readSse(await post(s.url, '/v1/responses', responsesBody()));
    expect(frames).toHaveLength(4);
    expect(frames[3]).toMatchObject({ event: 'response.failed', data: { response: { status: 'failed', error: { code: 'overloaded_error' } } } });
  });

  it('can be cut mid-stream', async () => {
    const s = await stub({ steps: [{ ...execStep, cutStreamAfterChunks: 4 }] });
    const { frames, broken } = await readSse(await post(s.url, '/v1/responses', responsesBody()));
    expect(broken).toBe(true);
    expect(frames).toHaveLength(4);
  });

  it('rejects a body without input', async () => {
    const s = await stub({ steps: [] });
    const res = await post(s.url, '/v1/responses', { model: 'gpt-5' });
    expect(res.status).toBe(400);
  });
});
