import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messagesBody, post } from './http.ts';

// The CLI entry as a real process: prints its URL, serves, and exits cleanly on SIGTERM / SIGINT.

const pkg = join(import.meta.dirname, '..');
const children: Array<ReturnType<typeof spawn>> = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(pkg, 'src', 'cli.ts'), ...args], {
    cwd: pkg,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const hit = /model stub listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (hit) resolve(hit[1]!);
    });
    child.on('close', () => reject(new Error(`cli exited early: ${stderr}`)));
  });
  return { child, url, output: () => ({ stdout, stderr }) };
}

describe('runStubModelCli', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves the scenario and stops on %s', { timeout: 20_000 }, async (signal) => {
    const cli = startCli(['--scenario', join(pkg, 'scenarios', 'write-and-edit.json'), '--port', '0']);
    const url = await cli.url;
    const res = await post(url, '/v1/messages?beta=true', messagesBody({ stream: false, cwd: '/w' }));
    expect(await res.json()).toMatchObject({ content: [{ type: 'text' }, { type: 'tool_use', input: { file_path: '/w/hello.txt' } }] });
    cli.child.kill(signal);
    const [code] = await once(cli.child, 'close');
    expect(code).toBe(0);
  });

  it('fails with a clear message on a bad scenario', { timeout: 20_000 }, async () => {
    const cli = startCli(['--scenario', join(pkg, 'package.json')]);
    await expect(cli.url).rejects.toThrow();
    expect(cli.child.exitCode).toBe(1);
    expect(cli.output().stderr).toMatch(/invalid scenario .*package\.json/);
  });
});
