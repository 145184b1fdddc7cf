import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Finds a runnable Claude Code CLI for the end-to-end tests.
// Recent @anthropic-ai/claude-code versions are a thin npm wrapper: the real CLI is a native binary in
// an optional per-platform package (@anthropic-ai/claude-code-linux-x64, …), which the wrapper's
// postinstall copies over bin/claude.exe. Older versions shipped cli.js (run with node).

export interface ClaudeCommand {
  command: string;
  /** Arguments that go before the CLI's own (node needs the script path). */
  prefix: string[];
}

const require = createRequire(import.meta.url);

function isMusl(): boolean {
  if (process.platform !== 'linux') return false;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return !report?.header?.glibcVersionRuntime;
}

function platformTag(): string {
  return `${process.platform}-${process.arch}${isMusl() ? '-musl' : ''}`;
}

function packageDir(name: string, from?: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`, from ? { paths: [from] } : undefined));
  } catch {
    return undefined;
  }
}

// The unpatched bin/claude.exe placeholder is tiny; the real binary is hundreds of MB.
function isNativeBinary(file: string): boolean {
  return existsSync(file) && statSync(file).size > 1_000_000;
}

export function findClaude(): ClaudeCommand | undefined {
  const fromEnv = process.env.ROZET_CLAUDE_BIN;
  if (fromEnv) return fromEnv.endsWith('.js') ? { command: process.execPath, prefix: [fromEnv] } : { command: fromEnv, prefix: [] };

  const exe = process.platform === 'win32' ? 'claude.exe' : 'claude';
  const wrapper = packageDir('@anthropic-ai/claude-code');
  if (wrapper) {
    const native = packageDir(`@anthropic-ai/claude-code-${platformTag()}`, wrapper);
    if (native && isNativeBinary(join(native, exe))) return { command: join(native, exe), prefix: [] };
    if (isNativeBinary(join(wrapper, 'bin', 'claude.exe'))) return { command: join(wrapper, 'bin', 'claude.exe'), prefix: [] };
    if (existsSync(join(wrapper, 'cli.js'))) return { command: process.execPath, prefix: [join(wrapper, 'cli.js')] };
  }
  // The Agent SDK bundles the same CLI in its own platform package.
  const sdk = packageDir('@anthropic-ai/claude-agent-sdk');
  const sdkNative = sdk && packageDir(`@anthropic-ai/claude-agent-sdk-${platformTag()}`, sdk);
  if (sdkNative && isNativeBinary(join(sdkNative, exe))) return { command: join(sdkNative, exe), prefix: [] };
  return undefined;
}

export const CLAUDE_NOT_FOUND =
  'Claude Code CLI not found. Add "@anthropic-ai/claude-code" to the repo devDependencies (its per-platform ' +
  'optional dependency carries the binary), or point ROZET_CLAUDE_BIN at a claude binary. ' +
  'Set ROZET_SKIP_REAL_CLAUDE=1 to skip these tests.';

/** Environment for an offline run against a stub: nothing inherited that could reach a real account. */
export function offlineEnv(baseUrl: string, configDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(ANTHROPIC_|CLAUDE|AWS_|GOOGLE_|VERTEX)/.test(key)),
  );
  return {
    ...inherited,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: 'sk-ant-stub-key',
    IS_SANDBOX: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CONFIG_DIR: configDir,
    CLAUDE_CODE_MAX_RETRIES: '0',
    ...extra,
  };
}
