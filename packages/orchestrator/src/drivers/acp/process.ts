import type { ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { describeExit as describeProcessExit, type ProcessExit } from "../../process/exit.ts";
import { listProcessGroupMembers } from "../../process/process-group.ts";
import { spawnAgentProcess } from "../../process/spawn.ts";
import { killGroupStragglers, stopProcessGroup } from "../../process/stop.ts";

// The ACP agent's process, on the shared process helpers (own process group, tracked in the live-process
// registry, stop = stdin EOF → grace → SIGTERM → SIGKILL of the whole group). This adds what the driver needs on
// top: the stdio pipes typed as present, the tail of stderr for exit reasons, and a memoized stop.

export interface AcpProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** How many stderr lines to keep for exit reasons (default 20). */
  stderrLines?: number;
}

export interface AcpProcess {
  child: ChildProcess;
  stdin: Writable;
  stdout: Readable;
  /** Also the process group id. */
  pid: number;
  /** Resolves when the leader has exited (never rejects). */
  exited: Promise<ProcessExit>;
  exitInfo(): ProcessExit | undefined;
  /** The last stderr lines, oldest first. */
  stderrTail(): string[];
  /** Ends stdin, waits `graceMs`, then SIGTERM and SIGKILL the group until no member is left. Memoized. */
  stop(options: { graceMs: number; killAfterMs?: number }): Promise<ProcessExit>;
  /** After an unasked exit of the leader: SIGKILL whatever it left behind in its group. */
  killStragglers(): Promise<void>;
}

// Rust agents colour their logs; an exit reason is read as plain text.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Spawns the agent; a command or cwd that cannot be used rejects with the shared helpers' DomainError. */
export async function spawnAcpProcess(options: AcpProcessOptions): Promise<AcpProcess> {
  const keep = options.stderrLines ?? 20;
  const tail: string[] = [];
  const proc = await spawnAgentProcess({
    command: options.command,
    args: options.args,
    cwd: options.cwd,
    env: options.env,
    // stdout is the ACP stream (read by the SDK); stderr only feeds the exit reason.
    onStderrLine: (line) => {
      const text = line.replace(ANSI, "");
      if (!text.trim()) return;
      tail.push(text);
      if (tail.length > keep) tail.splice(0, tail.length - keep);
    },
  });
  const { child } = proc;
  if (!child.stdin || !child.stdout) throw new Error("agent process has no stdio pipes");
  // EPIPE on stdin after the agent died is expected; it must not crash the host.
  child.stdin.on("error", () => {});

  let info: ProcessExit | undefined;
  const exited = proc.exited.then((exit) => (info = exit));
  let stopping: Promise<ProcessExit> | undefined;
  return {
    child,
    stdin: child.stdin,
    stdout: child.stdout,
    pid: proc.pid,
    exited,
    exitInfo: () => info,
    stderrTail: () => [...tail],
    stop(stopOptions) {
      stopping ??= stopProcessGroup(child, { graceMs: stopOptions.graceMs, killAfterMs: stopOptions.killAfterMs ?? 2000 });
      return stopping;
    },
    killStragglers: () => killGroupStragglers(proc.pid),
  };
}

/** Live (non-zombie) members of a process group. */
export function processGroupMembers(pgid: number): number[] {
  return listProcessGroupMembers(pgid);
}

/** "exited with code 3" / "killed by SIGKILL", plus the last stderr lines. */
export function describeExit(info: ProcessExit | undefined, stderr: string[]): string {
  const how = info ? describeProcessExit(info) : "closed its output stream";
  const lines = stderr.slice(-5);
  return lines.length > 0 ? `${how}; last stderr:\n${lines.join("\n")}` : how;
}
