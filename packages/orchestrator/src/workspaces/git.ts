import { execFile } from "node:child_process";
import { realpathSync } from "node:fs";

/**
 * Runs git for the control room itself (never for the agent): argv only, no prompts, no pager, no optional
 * locks (so our `status` never fights the agent's own git for index.lock), and with repository-configurable
 * programs switched off (fsmonitor, external diff, textconv) so a repo cannot make us run its commands.
 */
export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly causeCode?: string,
  ) {
    super(`git ${args.join(" ")} failed: ${stderr.trim() || causeCode || `exit ${exitCode}`}`);
    this.name = "GitError";
  }
}

const SAFE_CONFIG = ["-c", "core.fsmonitor=false", "-c", "core.quotepath=false", "-c", "color.ui=false"];

export function gitEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: process.env.HOME ?? "/",
    LC_ALL: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
  };
}

export function runGit(
  cwd: string,
  args: readonly string[],
  options: { okExitCodes?: readonly number[]; maxBuffer?: number; timeoutMs?: number } = {},
): Promise<GitResult> {
  const okExitCodes = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...SAFE_CONFIG, ...args],
      {
        cwd,
        env: gitEnv(),
        maxBuffer: options.maxBuffer ?? 16 * 1024 * 1024,
        timeout: options.timeoutMs ?? 30_000,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : null) : 0;
        if (exitCode !== null && okExitCodes.includes(exitCode)) return resolve({ stdout, stderr, exitCode });
        const causeCode = error && typeof error.code === "string" ? error.code : undefined;
        reject(new GitError(args, exitCode, stderr, causeCode));
      },
    );
  });
}

/**
 * True when `dir` is the top of a git work tree (a repository or a linked worktree). A folder that merely lies
 * somewhere inside a repository does not count: the workspaces root itself may sit in one.
 */
export async function isGitWorkTreeRoot(dir: string): Promise<boolean> {
  try {
    const { stdout } = await runGit(dir, ["rev-parse", "--show-toplevel"]);
    return realpathSync(stdout.trim()) === realpathSync(dir);
  } catch {
    return false;
  }
}

export async function hasCommits(dir: string): Promise<boolean> {
  const { exitCode } = await runGit(dir, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { okExitCodes: [0, 1] });
  return exitCode === 0;
}
