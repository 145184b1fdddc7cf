import { describe, expect, it } from 'vitest';
import { assemble, messagesBody, post, readSse, stubsClosedAfterEach } from './http.ts';

const stub = stubsClosedAfterEach();

const writeStep = {
  content: [
    { text: 'Writing the file now, then I will stop.' },
    { tool_use: { name: 'Write', input: { file_path: '{{cwd}}/a.txt', content: 'x', nested: ['{{cwd}}/b', { deep: '{{cwd}}' }] } } },
  ],
};

describe('routes', () => {
  it('answers the startup probe and 404s everything else with an Anthropic error body', async () => {
    const s = await stub({ steps: [] });
    expect((await fetch(s.url, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(s.url)).status).toBe(200);

    for (const [method, path] of [['GET', '/v1/models'], ['GET', '/v1/messages'], ['POST', '/v2/messages']] as const) {
      const res = await fetch(s.url + path, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    }
  });

  it('counts tokens', async () => {
    const s = await stub({ steps: [] });
    const res = await post(s.url, '/v1/messages/count_tokens?beta=true', messagesBody());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { input_tokens: number };
    expect(Object.keys(body)).toEqual(['input_tokens']);
    expect(body.input_tokens).toBeGreaterThan(0);
    expect(s.requests[0]?.step).toBeUndefined(); // counting does not consume a step
  });

  it('rejects a malformed request body with invalid_request_error', async () => {
    const s = await stub({ steps: [] });
    const notJson = await post(s.url, '/v1/messages', 'not json');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const noMessages = await post(s.url, '/v1/messages', { model: 'x' });
    expect(noMessages.status).toBe(400);
  });
});

describe('streaming', () => {
  it('sends the full Messages API event sequence with text and tool_use deltas', async () => {
    const s = await stub({ steps: [writeStep] });
    const res = await post(s.url, '/v1/messages?beta=true', messagesBody({ cwd: '/work/proj' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { frames, broken } = await readSse(res);
    expect(broken).toBe(false);

    // Every `event:` line names the type of its data.
    for (const frame of frames) expect(frame.data.type).toBe(frame.event);
    const kinds = frames.map((f) => f.event);
    expect(kinds[0]).toBe('message_start');
    expect(kinds.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(kinds.filter((k) => k === 'content_block_start')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'content_block_delta').length).toBeGreaterThan(2); // text split into chunks

    const start = frames[0]!.data.message as Record<string, unknown>;
    expect(start).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-test-1', content: [], stop_reason: null });
    expect(String(start.id)).toMatch(/^msg_stub_/);

    const blocks = assemble(frames);
    expect(blocks[0]).toEqual({ type: 'text', text: 'Writing the file now, then I will stop.' });
    expect(blocks[1]).toMatchObject({
      type: 'tool_use',
      name: 'Write',
      input: { file_path: '/work/proj/a.txt', content: 'x', nested: ['/work/proj/b', { deep: '/work/proj' }] },
    });
    expect(String(blocks[1]!.id)).toMatch(/^toolu_stub_/);

    const delta = frames.at(-2)!.data;
    expect(delta).toMatchObject({ delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 20 } });
  });

  it('ends a text-only message with end_turn and reports scripted usage', async () => {
    const s = await stub({ steps: [{ content: [{ text: 'hi' }], usage: { input_tokens: 7, output_tokens: 3 } }] });
    const { frames } = await readSse(await post(s.url, '/v1/messages', messagesBody()));
    expect(frames[0]!.data.message).toMatchObject({ usage: { input_tokens: 7 } });
    expect(frames.at(-2)!.data).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } });
  });

  it('honours a stopReason override', async () => {
    const s = await stub({ steps: [{ content: [{ text: 'trunc' }], stopReason: 'max_tokens' }] });
    const { frames } = await readSse(await post(s.url, '/v1/messages', messagesBody()));
    expect(frames.at(-2)!.data).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
  });
});

describe('non-streaming', () => {
  it('answers stream:false with the complete message JSON', async () => {
    const s = await stub({ steps: [writeStep] });
    const res = await post(s.url, '/v1/messages', messagesBody({ stream: false, cwd: '/p' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const message = (await res.json()) as Record<string, unknown>;
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test-1',
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      content: [
        { type: 'text', text: 'Writing the file now, then I will stop.' },
        { type: 'tool_use', name: 'Write', input: { file_path: '/p/a.txt' } },
      ],
    });
  });
});

describe('failures', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [529, 'overloaded_error'],
  ])('answers HTTP %i with a %s error body', async (status, type) => {
    const s = await stub({ steps: [{ error: { status } }] });
    const res = await post(s.url, '/v1/messages?beta=true', messagesBody());
    expect(res.status).toBe(status);
    expect(res.headers.get('request-id')).toMatch(/^req_stub_/);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe(type);
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it('uses the scripted error type and message', async () => {
    const s = await stub({ steps: [{ error: { status: 500, type: 'api_error', message: 'boom' } }] });
    const res = await post(s.url, '/v1/messages', messagesBody({ stream: false }));
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'api_error', message: 'boom' } });
  });

  it('cuts a stream after N events', async () => {
    const s = await stub({ steps: [{ cutStreamAfterChunks: 3, content: [{ text: 'a long enough text to need several chunks here' }] }] });
    const { frames, broken } = await readSse(await post(s.url, '/v1/messages', messagesBody()));
    expect(broken).toBe(true);
    expect(frames.map((f) => f.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
  });

  it('cuts a non-streaming request before any response', async () => {
    const s = await stub({ steps: [{ cutStreamAfterChunks: 0 }, { content: [{ text: 'after' }] }] });
    await expect(post(s.url, '/v1/messages', messagesBody({ stream: false }))).rejects.toThrow();
    const next = await post(s.url, '/v1/messages', messagesBody({ stream: false }));
    expect(await next.json()).toMatchObject({ content: [{ text: 'after' }] });
  });

  it('sends an SSE error event mid-stream', async () => {
    const s = await stub({ steps: [{ streamError: { afterChunks: 2 } }] });
    const { frames, broken } = await readSse(await post(s.url, '/v1/messages', messagesBody()));
    expect(broken).toBe(false);
    expect(frames.map((f) => f.event)).toEqual(['message_start', 'content_block_start', 'error']);
    expect(frames[2]!.data).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('answers a non-streaming request to a streamError step with the matching HTTP error', async () => {
    const s = await stub({ steps: [{ streamError: { afterChunks: 1 } }] });
    const res = await post(s.url, '/v1/messages', messagesBody({ stream: false }));
    expect(res.status).toBe(529);
  });
});

describe('script', () => {
  it('consumes steps in order, honours repeat, then falls back to a default end_turn text', async () => {
    const s = await stub({
      steps: [{ content: [{ text: 'one' }], repeat: 2 }, { content: [{ text: 'two' }] }],
    });
    const texts: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const message = (await (await post(s.url, '/v1/messages', messagesBody({ stream: false }))).json()) as {
        content: Array<{ text: string }>;
        stop_reason: string;
      };
      texts.push(message.content[0]?.text);
      expect(message.stop_reason).toBe('end_turn');
    }
    expect(texts).toEqual(['one', 'one', 'two', 'stub: no more scripted steps', 'stub: no more scripted steps']);
    expect(s.requests.map((r) => r.step)).toEqual([0, 0, 1, 'fallback', 'fallback']);
  });

  it('uses a scripted fallback', async () => {
    const s = await stub({ steps: [], fallback: { error: { status: 529 } } });
    expect((await post(s.url, '/v1/messages', messagesBody())).status).toBe(529);
    expect((await post(s.url, '/v1/messages', messagesBody())).status).toBe(529);
  });

  it('lets a matched step wait for its request while unmatched steps go in order', async () => {
    const s = await stub({
      steps: [
        { match: { lastUserTextIncludes: 'subagent task' }, content: [{ text: 'sub' }] },
        { match: { systemIncludes: 'You are Reviewer' }, content: [{ text: 'review' }] },
        { match: { hasTools: false }, content: [{ text: 'no tools' }] },
        { content: [{ text: 'main 1' }] },
        { content: [{ text: 'main 2' }] },
      ],
    });
    const ask = async (opts: Parameters<typeof messagesBody>[0]) => {
      const res = await post(s.url, '/v1/messages', messagesBody({ ...opts, stream: false }));
      return ((await res.json()) as { content: Array<{ text: string }> }).content[0]?.text;
    };
    expect(await ask({ text: 'hello' })).toBe('main 1');
    expect(await ask({ text: 'please do the subagent task' })).toBe('sub');
    expect(await ask({ text: 'hello', system: 'You are Reviewer.' })).toBe('review');
    expect(await ask({ text: 'hello', tools: false })).toBe('no tools');
    expect(await ask({ text: 'please do the subagent task' })).toBe('main 2'); // matched step already used
  });

  it('reads the last user text past tool results and system reminders', async () => {
    const s = await stub({ steps: [{ match: { lastUserTextIncludes: 'fix it' }, content: [{ text: 'matched' }] }] });
    const body = messagesBody({ text: 'please fix it', stream: false });
    (body.messages as unknown[]).push(
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'file' }] },
    );
    const res = await post(s.url, '/v1/messages', body);
    expect(await res.json()).toMatchObject({ content: [{ text: 'matched' }] });
    expect(s.requests[0]?.lastUserText).toBe('please fix it');
  });

  it('setScenario swaps the script and starts it from the top', async () => {
    const s = await stub({ steps: [{ content: [{ text: 'old' }] }] });
    s.setScenario({ steps: [{ content: [{ text: 'new' }] }] });
    const res = await post(s.url, '/v1/messages', messagesBody({ stream: false }));
    expect(await res.json()).toMatchObject({ content: [{ text: 'new' }] });
    expect(() => s.setScenario({ steps: [{ bogus: 1 }] } as never)).toThrow(/bogus/);
  });
});

describe('placeholders and ids', () => {
  it('takes the cwd from a role:"system" message too (where Claude Code 2.1.3xx puts it)', async () => {
    const s = await stub({ steps: [writeStep] });
    const body = messagesBody({ stream: false });
    (body.messages as unknown[]).unshift({ role: 'system', content: [{ type: 'text', text: ' - Primary working directory: /srv/x y\n - Platform: linux' }] });
    const message = (await (await post(s.url, '/v1/messages', body)).json()) as { content: Array<{ input?: { file_path: string } }> };
    expect(message.content[1]?.input?.file_path).toBe('/srv/x y/a.txt');
    expect(s.requests[0]?.cwd).toBe('/srv/x y');
  });

  it('takes the cwd from OpenCode\'s "Working directory:" environment line', async () => {
    const s = await stub({ steps: [writeStep] });
    const body = messagesBody({ stream: false, system: 'Here is some useful information about the environment you are running in:\n<env>\n  Working directory: /srv/oc\n  Is directory a git repo: no\n</env>' });
    const message = (await (await post(s.url, '/v1/messages', body)).json()) as { content: Array<{ input?: { file_path: string } }> };
    expect(message.content[1]?.input?.file_path).toBe('/srv/oc/a.txt');
  });

  it('leaves {{cwd}} in place when the request names no working directory', async () => {
    const s = await stub({ steps: [writeStep] });
    const message = (await (await post(s.url, '/v1/messages', messagesBody({ stream: false }))).json()) as {
      content: Array<{ input?: { file_path: string } }>;
    };
    expect(message.content[1]?.input?.file_path).toBe('{{cwd}}/a.txt');
  });

  it('gives every tool_use and message a unique id, across requests and stub instances', async () => {
    const scenario = { steps: [{ ...writeStep, repeat: 3 }] };
    const ids = new Set<string>();
    for (const s of [await stub(scenario), await stub(scenario)]) {
      for (let i = 0; i < 3; i++) {
        const message = (await (await post(s.url, '/v1/messages', messagesBody({ stream: false }))).json()) as {
          id: string;
          content: Array<{ id?: string }>;
        };
        ids.add(message.id);
        ids.add(message.content[1]!.id!);
      }
    }
    expect(ids.size).toBe(12);
  });
});

describe('recording and timing', () => {
  it('records every request with the facts tests assert on', async () => {
    const s = await stub({ steps: [{ content: [{ text: 'ok' }] }] });
    const before = Date.now();
    await fetch(s.url, { method: 'HEAD' });
    await readSse(await post(s.url, '/v1/messages?beta=true', messagesBody({ text: 'do the thing', cwd: '/w' })));
    expect(s.requests).toHaveLength(2);
    expect(s.requests[0]).toMatchObject({ method: 'HEAD', path: '/' });
    expect(s.requests[1]).toMatchObject({
      method: 'POST',
      path: '/v1/messages?beta=true',
      model: 'claude-test-1',
      stream: true,
      hasTools: true,
      toolNames: ['Write'],
      lastUserText: 'do the thing',
      cwd: '/w',
      step: 0,
    });
    expect(s.requests[1]!.time).toBeGreaterThanOrEqual(before);
    expect(s.requests[1]!.body).toMatchObject({ max_tokens: 1024 });
  });

  it('waits delayMs before answering and chunkDelayMs between events', async () => {
    const s = await stub({ steps: [{ delayMs: 150, chunkDelayMs: 40, content: [{ text: 'short' }] }] });
    const started = Date.now();
    const res = await post(s.url, '/v1/messages', messagesBody());
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const { frames } = await readSse(res);
    // 6 events → 5 gaps of 40 ms.
    expect(frames).toHaveLength(6);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140 + 5 * 38);
  });

  it('survives a client that hangs up mid-stream, and close() does not wait for slow streams', async () => {
    const s = await stub({ steps: [{ chunkDelayMs: 10_000, content: [{ text: 'slow' }] }, { content: [{ text: 'next' }] }] });
    const controller = new AbortController();
    const res = await post(s.url, '/v1/messages', messagesBody(), controller.signal);
    const reader = res.body!.getReader();
    await reader.read(); // message_start arrived; the stub now sleeps
    controller.abort();
    const next = await post(s.url, '/v1/messages', messagesBody({ stream: false }));
    expect(await next.json()).toMatchObject({ content: [{ text: 'next' }] });

    s.setScenario({ steps: [{ delayMs: 10_000, content: [{ text: 'never' }] }] });
    const pending = post(s.url, '/v1/messages', messagesBody()).catch(() => 'hung up');
    await new Promise((r) => setTimeout(r, 50));
    const closing = Date.now();
    await s.close();
    expect(Date.now() - closing).toBeLessThan(1000);
    expect(await pending).toBe('hung up');
  });
});
