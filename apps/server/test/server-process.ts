import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { ROZET_BIN } from "./harness.ts";
import { storeEnv } from "./test-store.ts";

/** `rozet start` as a real child process (so a test can kill -9 it), on port 0 with the given home. */
export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<string>;
  /** Everything the process printed so far (its log), for failure messages. */
  output: () => string;
}

export async function startServerProcess(home: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [ROZET_BIN, "start", "--port", "0", "--home", home], {
    env: { ...process.env, ROZET_LOG_LEVEL: "warn", ...(await storeEnv(home)), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? String(code))));
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-64_000);
      const match = /is up: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    exited.then(
      (how) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${how}) before it was up:\n${output}`));
      },
      reject,
    );
  });
  return { child, pid: child.pid!, url, exited, output: () => output };
}

/** Stops a server process gracefully (SIGTERM), waiting for it to exit. */
export async function stopServerProcess(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGTERM");
  await server.exited;
}

interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  cmdline: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), state: fields[0]!, cmdline };
  } catch {
    return undefined;
  }
}

/** Live descendants of `root` (children, grandchildren, …) as read from /proc. */
export function descendantsOf(root: number): ProcInfo[] {
  const all = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProc(Number(entry)))
    .filter((info): info is ProcInfo => info !== undefined && info.state !== "Z");
  const found: ProcInfo[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const info of all) {
      if (info.ppid === parent) {
        found.push(info);
        frontier.push(info.pid);
      }
    }
  }
  return found;
}

/** Whether the pid is running (a zombie counts as gone: init in a container may never reap it). */
export function isRunning(pid: number): boolean {
  const info = readProc(pid);
  return info !== undefined && info.state !== "Z" && info.state !== "X";
}

export function processGroupOf(pid: number): number | undefined {
  return readProc(pid)?.pgid;
}
