import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startModelStub } from '../src/index.ts';
import { offlineEnv } from './claude-bin.ts';

// The official Agent SDK's query() against the stub. Runs when @anthropic-ai/claude-agent-sdk is
// installed (it bundles its own CLI binary), or when ROZET_CLAUDE_SDK points at its sdk.mjs.

type Query = (args: { prompt: string; options: Record<string, unknown> }) => AsyncIterable<Record<string, unknown>>;

async function loadQuery(): Promise<Query | undefined> {
  const specifier = process.env.ROZET_CLAUDE_SDK ? pathToFileURL(process.env.ROZET_CLAUDE_SDK).href : '@anthropic-ai/claude-agent-sdk';
  try {
    return ((await import(specifier)) as { query: Query }).query;
  } catch {
    return undefined;
  }
}

const query = process.env.ROZET_SKIP_REAL_CLAUDE === '1' ? undefined : await loadQuery();

describe.skipIf(!query)('Agent SDK query() against the stub', () => {
  it('runs the write-and-edit scenario to a successful result', { timeout: 60_000 }, async () => {
    const stub = await startModelStub({ scenario: join(import.meta.dirname, '..', 'scenarios', 'write-and-edit.json') });
    const workspace = await realpath(await mkdtemp(join(tmpdir(), 'stub-sdk-ws-')));
    const configDir = await mkdtemp(join(tmpdir(), 'stub-sdk-config-'));
    try {
      const messages: Array<Record<string, unknown>> = [];
      const options: Record<string, unknown> = {
        cwd: workspace,
        permissionMode: 'bypassPermissions',
        allowDangerouslySkipPermissions: true,
        env: offlineEnv(stub.url, configDir),
      };
      if (process.env.ROZET_CLAUDE_BIN) options.pathToClaudeCodeExecutable = process.env.ROZET_CLAUDE_BIN;
      for await (const message of query!({ prompt: 'create hello.txt', options })) messages.push(message);

      expect(messages.at(-1)).toMatchObject({ type: 'result', subtype: 'success', is_error: false, result: 'Done: hello.txt now says hello rozet.' });
      expect(await readFile(join(workspace, 'hello.txt'), 'utf8')).toBe('hello rozet\n');
    } finally {
      await stub.close();
      await rm(workspace, { recursive: true, force: true });
      await rm(configDir, { recursive: true, force: true });
    }
  });
});
