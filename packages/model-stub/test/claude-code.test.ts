import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startModelStub, type ModelStub, type ScenarioInput } from '../src/index.ts';
import { CLAUDE_NOT_FOUND, findClaude, offlineEnv, type ClaudeCommand } from './claude-bin.ts';
import { resultLine, runClaude } from './run-claude.ts';

// End to end: the real Claude Code CLI, offline, driven by the stub. Each run takes well under a
// second of CLI time; the 60 s timeouts only guard against a hang.

const scenarios = join(import.meta.dirname, '..', 'scenarios');
const ONE_SHOT = ['--output-format', 'stream-json', '--verbose', '--permission-mode', 'bypassPermissions'];

let claude: ClaudeCommand;
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function setup(scenario: ScenarioInput | string) {
  const stub: ModelStub = await startModelStub({ scenario });
  const workspace = await realpath(await mkdtemp(join(tmpdir(), 'stub-ws-')));
  const configDir = await mkdtemp(join(tmpdir(), 'stub-claude-config-'));
  cleanup.push(
    () => stub.close(),
    () => rm(workspace, { recursive: true, force: true }),
    () => rm(configDir, { recursive: true, force: true }),
  );
  return { stub, workspace, env: (extra?: Record<string, string>) => offlineEnv(stub.url, configDir, extra) };
}

describe.skipIf(process.env.ROZET_SKIP_REAL_CLAUDE === '1')('real Claude Code CLI against the stub', () => {
  beforeAll(() => {
    const found = findClaude();
    if (!found) throw new Error(CLAUDE_NOT_FOUND);
    claude = found;
  });

  it('writes and edits a file on disk and reports success with cost and tokens', { timeout: 60_000 }, async () => {
    const { stub, workspace, env } = await setup(join(scenarios, 'write-and-edit.json'));
    const run = await runClaude({ claude, args: ['-p', 'create hello.txt', ...ONE_SHOT], cwd: workspace, env: env() });

    expect(await readFile(join(workspace, 'hello.txt'), 'utf8')).toBe('hello rozet\n');

    const result = resultLine(run);
    expect(result).toMatchObject({
      subtype: 'success',
      is_error: false,
      result: 'Done: hello.txt now says hello rozet.',
      num_turns: 3,
      // 100 + 100 + 1200 in, 20 + 20 + 40 out (scenario usage).
      usage: { input_tokens: 1400, output_tokens: 80 },
    });
    expect(result.total_cost_usd).toBeGreaterThan(0);
    expect(run.code).toBe(0);

    // The tool calls reached the CLI with absolute paths, and both tools succeeded.
    const toolUses = run.lines.flatMap((line) =>
      line.type === 'assistant' ? ((line.message as { content: Array<Record<string, unknown>> }).content.filter((b) => b.type === 'tool_use')) : [],
    );
    expect(toolUses.map((b) => [b.name, (b.input as { file_path: string }).file_path])).toEqual([
      ['Write', join(workspace, 'hello.txt')],
      ['Edit', join(workspace, 'hello.txt')],
    ]);
    const toolErrors = run.lines.filter((line) => line.type === 'user' && JSON.stringify(line).includes('"is_error":true'));
    expect(toolErrors).toEqual([]);

    const modelCalls = stub.requests.filter((r) => r.path.startsWith('/v1/messages') && r.step !== undefined);
    expect(modelCalls.map((r) => r.step)).toEqual([0, 1, 2]);
    expect(modelCalls.every((r) => r.cwd === workspace && r.hasTools && r.stream)).toBe(true);
    expect(modelCalls[0]?.lastUserText).toBe('create hello.txt');
    console.info(`claude write-and-edit run: ${run.ms} ms`);
  });

  it('turns a scripted HTTP 500 into an is_error result with api_error_status', { timeout: 60_000 }, async () => {
    const { stub, workspace, env } = await setup(join(scenarios, 'api-error-500.json'));
    const run = await runClaude({ claude, args: ['-p', 'hi', ...ONE_SHOT], cwd: workspace, env: env() });
    expect(resultLine(run)).toMatchObject({ subtype: 'success', is_error: true, api_error_status: 500 });
    expect(run.code).toBe(1);
    expect(stub.requests.filter((r) => r.step === 'fallback').length).toBeGreaterThanOrEqual(1);
  });

  it('recovers from an SSE error event by retrying without streaming', { timeout: 60_000 }, async () => {
    const { stub, workspace, env } = await setup({
      steps: [{ streamError: { afterChunks: 2 } }, { content: [{ text: 'recovered' }] }],
    });
    const run = await runClaude({ claude, args: ['-p', 'hi', ...ONE_SHOT], cwd: workspace, env: env({ CLAUDE_CODE_MAX_RETRIES: '1' }) });
    expect(resultLine(run)).toMatchObject({ is_error: false, result: 'recovered' });
    expect(stub.requests.filter((r) => r.step !== undefined).map((r) => [r.step, r.stream])).toEqual([
      [0, true],
      [1, false],
    ]);
  });

  it('can be interrupted (SIGINT) while a slow scenario streams', { timeout: 60_000 }, async () => {
    const { workspace, env } = await setup(join(scenarios, 'slow.json'));
    let deltas = 0;
    const run = await runClaude({
      claude,
      args: ['-p', 'hi', ...ONE_SHOT, '--include-partial-messages'],
      cwd: workspace,
      env: env(),
      onLine(line, child) {
        const event = line.event as { type?: string } | undefined;
        if (line.type === 'stream_event' && event?.type === 'content_block_delta' && ++deltas === 2) child.kill('SIGINT');
      },
    });
    // Claude Code usually writes an aborted result line before exiting; under CPU load it sometimes exits right
    // after noting the interrupt. Either way the stream stopped early.
    const result = run.lines.find((line) => line.type === 'result');
    if (result) {
      expect(result).toMatchObject({ subtype: 'error_during_execution', is_error: true });
      expect(String(result.terminal_reason)).toMatch(/^aborted/);
    } else {
      expect(run.lines.some((line) => line.type === 'user' && JSON.stringify(line.message).includes('[Request interrupted by user]'))).toBe(true);
    }
    expect(run.ms).toBeLessThan(8_000); // streaming the whole scripted text takes ~13 s
  });
});
