import { spawn } from 'node:child_process';
import type { ClaudeCommand } from './claude-bin.ts';

// Runs `claude -p … --output-format stream-json --verbose` and collects its JSON lines.

export interface ClaudeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: Array<Record<string, unknown>>;
  stderr: string;
  ms: number;
}

export interface RunClaudeOptions {
  claude: ClaudeCommand;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Called for every stdout line; gets the child so a test can signal it mid-run. */
  onLine?: (line: Record<string, unknown>, child: { kill(signal: NodeJS.Signals): boolean }) => void;
}

export function runClaude(opts: RunClaudeOptions): Promise<ClaudeRun> {
  const started = Date.now();
  const child = spawn(opts.claude.command, [...opts.claude.prefix, ...opts.args], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    pending += text;
    let end: number;
    while ((end = pending.indexOf('\n')) >= 0) {
      const raw = pending.slice(0, end).trim();
      pending = pending.slice(end + 1);
      if (!raw) continue;
      const line = JSON.parse(raw) as Record<string, unknown>;
      lines.push(line);
      opts.onLine?.(line, child);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 45_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, lines, stderr, ms: Date.now() - started });
    });
  });
}

export function resultLine(run: ClaudeRun): Record<string, unknown> {
  const results = run.lines.filter((line) => line.type === 'result');
  if (results.length !== 1) {
    throw new Error(`expected one result line, got ${results.length}\nstderr: ${run.stderr}\nstdout: ${JSON.stringify(run.lines)}`);
  }
  return results[0]!;
}
