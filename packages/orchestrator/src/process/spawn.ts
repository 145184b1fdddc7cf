import { spawn, type ChildProcess } from "node:child_process";
import { statSync } from "node:fs";
import type { Readable } from "node:stream";
import { DomainError } from "@rozet/vocabulary";
import { exitOf, type ProcessExit } from "./exit.ts";
import { LineSplitter, type LineHandler } from "./line-splitter.ts";
import { lowerAgentPriority } from "./priority.ts";
import { trackProcessGroup } from "./registry.ts";

const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export interface SpawnAgentOptions {
  command: string;
  /** argv after the command. Never joined into a shell string. */
  args: readonly string[];
  cwd: string;
  /** The complete environment: nothing is inherited from the server (its secrets stay out of agents). */
  env: Record<string, string>;
  /** Line callbacks. A stream without one is left unread for the caller, who must then consume it. */
  onStdoutLine?: LineHandler | undefined;
  onStderrLine?: LineHandler | undefined;
  /** Longer lines are cut and flagged `truncated` (bounds memory when an agent prints without newlines). Default 1 MiB. */
  maxLineBytes?: number | undefined;
  /** "ignore" gives the process an immediate EOF on stdin. Default "pipe". */
  stdin?: "pipe" | "ignore";
}

export interface AgentProcess {
  child: ChildProcess;
  /** Also the process group id: the process leads its own group. */
  pid: number;
  /** Resolves when the process exits; never rejects. */
  exited: Promise<ProcessExit>;
}

/**
 * Spawns an agent process as the leader of its own process group (so a stop reaches its whole tree), from an
 * argv array (no shell), and tracks it in the live-process registry. Resolves once the process is running;
 * a command or cwd that cannot be started is an operator-visible DomainError.
 */
export async function spawnAgentProcess(options: SpawnAgentOptions): Promise<AgentProcess> {
  assertDirectory(options.cwd);
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    shell: false,
    stdio: [options.stdin ?? "pipe", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new DomainError("INVALID_INPUT", `cannot start ${options.command}: ${error.message}`, {
          command: options.command,
          code: error.code,
        }),
      ),
    );
  });
  const pid = child.pid as number; // set once "spawn" fired
  trackProcessGroup(child, [options.command, ...options.args].join(" "));
  lowerAgentPriority(child.pid);
  // Late errors (e.g. a failed kill) must not crash the server; exits are observed through `exited`.
  child.on("error", () => {});
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (options.onStdoutLine) splitLines(child.stdout, maxLineBytes, options.onStdoutLine);
  if (options.onStderrLine) splitLines(child.stderr, maxLineBytes, options.onStderrLine);
  return { child, pid, exited: exitOf(child) };
}

function splitLines(stream: Readable | null, maxLineBytes: number, onLine: LineHandler): void {
  if (!stream) return;
  const splitter = new LineSplitter(maxLineBytes, onLine);
  stream.on("data", (chunk: Buffer) => splitter.push(chunk));
  stream.on("end", () => splitter.flush());
}

function assertDirectory(cwd: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) {
    throw new DomainError("ILLEGAL_STATE", `working directory ${cwd} does not exist or is not a folder`, { cwd });
  }
}
