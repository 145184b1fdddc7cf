import type { ChildProcess } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import type { DriverEvent } from "../../runtime/driver.ts";
import type { ProcessExit } from "../../process/exit.ts";
import { OutputCap } from "../../process/output-cap.ts";
import { spawnAgentProcess } from "../../process/spawn.ts";
import { killGroupStragglers, stopProcessGroup } from "../../process/stop.ts";
import { OutputCoalescer, type OutputStream } from "./output-coalescer.ts";

/** One command line run as `/bin/bash -c <line>` in its own process group, its output streamed as events. */

export interface ShellCommandOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  /** Receives `shell.output` events (coalesced) as the command runs. */
  onOutput: (event: DriverEvent) => void;
}

export interface ShellCommandOutcome {
  exit: ProcessExit;
  durationMs: number;
  timedOut: boolean;
  interrupted: boolean;
  /** Bytes the command wrote, per stream, including dropped ones. */
  bytes: Record<OutputStream, number>;
  /** Bytes over the per-stream budget, not emitted. */
  droppedBytes: Record<OutputStream, number>;
  /** The last output (either stream), even past the budget: often the error that matters. */
  tail: string;
}

export interface RunningShellCommand {
  /** Rejects only when the command could not be started at all. */
  done: Promise<ShellCommandOutcome>;
  /** Ctrl-C for the whole command: SIGINT to its group, SIGKILL after 2 s. Resolves once it is gone. */
  interrupt(): Promise<void>;
}

const KILL_AFTER_MS = 2_000;
const FLUSH = { flushMs: 50, maxPendingBytes: 16 * 1024 };
/** A process that left the group (setsid) may hold our pipes open; we stop waiting for them after this. */
const STREAM_CLOSE_WAIT_MS = 1_000;
const TAIL_CHARS = 2_000;

export function startShellCommand(options: ShellCommandOptions): RunningShellCommand {
  let child: ChildProcess | undefined;
  let interrupted = false;
  let timedOut = false;
  let stopping: Promise<unknown> | undefined;
  const stop = (firstSignal: "SIGINT" | "SIGTERM") => {
    if (child) stopping ??= stopProcessGroup(child, { graceMs: 0, firstSignal, killAfterMs: KILL_AFTER_MS });
    return stopping ?? Promise.resolve();
  };

  const done = (async (): Promise<ShellCommandOutcome> => {
    const output = new CommandOutput(options.maxOutputBytes, options.onOutput);
    const startedAt = performance.now();
    const proc = await spawnAgentProcess({
      command: "/bin/bash",
      args: ["-c", options.command],
      cwd: options.cwd,
      env: options.env,
      stdin: "ignore",
    });
    child = proc.child;
    const closed = new Promise<void>((resolve) => proc.child.once("close", () => resolve()));
    proc.child.stdout?.on("data", (chunk: Buffer) => output.write("stdout", chunk));
    proc.child.stderr?.on("data", (chunk: Buffer) => output.write("stderr", chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      // `done` awaits `stopping` and so reports its failure; this only keeps it from floating meanwhile.
      stop("SIGTERM").catch(() => undefined);
    }, options.timeoutMs);
    if (interrupted) stop("SIGINT").catch(() => undefined); // interrupted while spawning; awaited below as `stopping`

    const exit = await proc.exited;
    clearTimeout(timer);
    // Background jobs (`cmd &`) end with the command: nobody would ever stop them otherwise.
    await killGroupStragglers(proc.pid);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, STREAM_CLOSE_WAIT_MS))]);
    proc.child.stdout?.destroy();
    proc.child.stderr?.destroy();
    await stopping;
    output.end();
    return {
      exit,
      durationMs: Math.round(performance.now() - startedAt),
      timedOut: timedOut && !interrupted,
      interrupted,
      ...output.totals(),
    };
  })();

  return {
    done,
    interrupt: async () => {
      interrupted = true;
      if (child) await stop("SIGINT");
      else await done.catch(() => {}); // still spawning: `done` stops it as soon as it exists
    },
  };
}

/** Decoding, the per-stream budget, coalescing and the tail, for one command's two streams. */
class CommandOutput {
  private readonly decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  private readonly caps: Record<OutputStream, OutputCap>;
  private readonly bytes = { stdout: 0, stderr: 0 };
  private readonly coalescer: OutputCoalescer;
  private tail = "";

  constructor(
    maxOutputBytes: number,
    private readonly emit: (event: DriverEvent) => void,
  ) {
    this.caps = { stdout: new OutputCap(maxOutputBytes), stderr: new OutputCap(maxOutputBytes) };
    this.coalescer = new OutputCoalescer(FLUSH, (stream, text) =>
      this.emit({ type: "shell.output", payload: { stream, text } }),
    );
  }

  write(stream: OutputStream, chunk: Buffer): void {
    this.bytes[stream] += chunk.length;
    this.accept(stream, this.decoders[stream].write(chunk));
  }

  end(): void {
    for (const stream of ["stdout", "stderr"] as const) this.accept(stream, this.decoders[stream].end());
    this.coalescer.flush();
  }

  totals(): Pick<ShellCommandOutcome, "bytes" | "droppedBytes" | "tail"> {
    return {
      bytes: { ...this.bytes },
      droppedBytes: { stdout: this.caps.stdout.droppedBytes, stderr: this.caps.stderr.droppedBytes },
      tail: this.tail,
    };
  }

  private accept(stream: OutputStream, text: string): void {
    if (text.length === 0) return;
    this.tail = (this.tail + text.slice(-TAIL_CHARS)).slice(-TAIL_CHARS);
    const { kept, justTruncated } = this.caps[stream].take(text);
    this.coalescer.push(stream, kept);
    if (justTruncated) {
      this.coalescer.flush(); // the marker goes after the last kept output
      const limitBytes = this.caps[stream].maxBytes;
      this.emit({
        type: "shell.output",
        summary: `${stream} truncated after ${limitBytes} bytes; the rest of this command's ${stream} is dropped`,
        payload: { stream, text: "", truncated: true, limitBytes },
      });
    }
  }
}
