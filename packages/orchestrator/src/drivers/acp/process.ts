import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

// A small local process-group helper for the ACP driver: spawn an agent as the leader of its own process group,
// keep the tail of its stderr, and stop the whole group (stdin EOF → grace → SIGTERM → SIGKILL). Agents leave
// children behind when their leader dies (codex-acp's npm launcher, claude-agent-acp's native `claude`), so every
// signal goes to the group, and "alive" means "any non-zombie process is still in the group".

export interface AgentProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** How many stderr lines to keep for exit reasons (default 20). */
  stderrLines?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES …). */
  error?: string | undefined;
}

export interface StopOptions {
  /** Wait this long after closing stdin before SIGTERM (default 3000 ms). */
  graceMs?: number;
  /** Wait this long after SIGTERM before SIGKILL (default 2000 ms). */
  termMs?: number;
}

export interface AgentProcess {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  /** Resolves when the leader has exited (never rejects). */
  exited: Promise<ExitInfo>;
  exitInfo(): ExitInfo | undefined;
  /** The last stderr lines, oldest first. */
  stderrTail(): string[];
  /** Ends stdin, waits, then SIGTERMs and SIGKILLs the group until no member is left. */
  stop(options?: StopOptions): Promise<ExitInfo>;
}

/** Pids of the live (non-zombie) members of a process group; Linux reads /proc, elsewhere a kill(0) probe. */
export function processGroupMembers(pgid: number): number[] {
  if (process.platform !== "linux") {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] !== "Z" && Number(fields[2]) === pgid) members.push(Number(entry));
  }
  return members;
}

// Rust agents colour their logs; an exit reason is read as plain text.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nobody left in the group.
  }
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

export function spawnAgentProcess(options: AgentProcessOptions): AgentProcess {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
    windowsHide: true,
  });
  const keep = options.stderrLines ?? 20;
  const tail: string[] = [];
  let partial = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) tail.push(stripAnsi(line));
    if (tail.length > keep) tail.splice(0, tail.length - keep);
  });
  // A closed pipe must not crash the host: EPIPE on stdin after the agent died is expected.
  child.stdin.on("error", () => {});

  let info: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => {
      info = { code, signal };
      resolve(info);
    });
    child.once("error", (error) => {
      // spawn failure (ENOENT …): no exit event follows.
      info ??= { code: null, signal: null, error: error.message };
      resolve(info);
    });
  });

  const pid = child.pid ?? -1;
  let stopping: Promise<ExitInfo> | undefined;

  async function stop(stopOptions: StopOptions = {}): Promise<ExitInfo> {
    const graceMs = stopOptions.graceMs ?? 3000;
    const termMs = stopOptions.termMs ?? 2000;
    if (pid <= 0) return exited;
    child.stdin.end();
    const leaderGone = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
    const groupGone = () => processGroupMembers(pid).length === 0;
    if (!leaderGone || !groupGone()) {
      signalGroup(pid, "SIGTERM");
      if (!(await waitUntil(groupGone, termMs))) {
        signalGroup(pid, "SIGKILL");
        await waitUntil(groupGone, 2000);
      }
    }
    return exited;
  }

  return {
    child,
    pid,
    exited,
    exitInfo: () => info,
    stderrTail: () => (partial.trim() ? [...tail, partial] : [...tail]).slice(-keep),
    stop(stopOptions) {
      stopping ??= stop(stopOptions);
      return stopping;
    },
  };
}

/** "exit code 1" / "signal SIGKILL", plus the last stderr lines. */
export function describeExit(info: ExitInfo | undefined, stderr: string[]): string {
  const how = !info
    ? "the agent's output stream ended"
    : info.signal
      ? `signal ${info.signal}`
      : info.error !== undefined
        ? `the agent could not be started (${info.error})`
        : `exit code ${info.code ?? "unknown"}`;
  const lines = stderr.slice(-5);
  return lines.length > 0 ? `${how}; last stderr:\n${lines.join("\n")}` : how;
}
