import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os, { setPriority } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Child {
  proc: ChildProcess;
  pid: number;
  url: string;
  base: URL;
  /** Sends an IPC command and waits for its answer. */
  call<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

function start(script: string, execArgv: string[], env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess; ready: any }> {
  return new Promise((resolve, reject) => {
    const proc = fork(script, [], { execArgv, env, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const onExit = (code: number | null) => reject(new Error(`${path.basename(script)} exited (${code}) before it was ready`));
    proc.once("exit", onExit);
    proc.once("error", reject);
    proc.once("message", (ready) => {
      proc.off("exit", onExit);
      resolve({ proc, ready });
    });
  });
}

function wrap(proc: ChildProcess, port: number): Child {
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  proc.on("message", (msg: any) => {
    const w = waiting.get(msg?.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error) w.reject(new Error(msg.error));
    else w.resolve(msg.result);
  });
  const url = `http://127.0.0.1:${port}`;
  const child: Child = {
    proc,
    pid: proc.pid!,
    url,
    base: new URL(url),
    call(cmd, args = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        proc.send({ id, cmd, ...args });
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      child.call("close").catch(() => {});
      const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return child;
}

export interface RozetChild extends Child {
  home: string;
  synchronous: string;
  dbFiles(): { db: number; wal: number; shm: number };
  cleanup(): void;
}

/** The Rozet server in its own process with a fresh temp ROZET_HOME. `cpuProfDir` adds --cpu-prof. */
export async function spawnRozet(options: { cpuProfDir?: string | undefined; label?: string } = {}): Promise<RozetChild> {
  const home = mkdtempSync(path.join(os.tmpdir(), `rozet-bench-${options.label ?? "home"}-`));
  // The same V8 flag as the `rozet` command's shebang (apps/server/bin/rozet.js), so the bench measures what runs.
  const execArgv = ["--max-semi-space-size=4", "--import", "tsx"];
  if (options.cpuProfDir) execArgv.unshift("--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`);
  // The thread pool size the `rozet` command sets (apps/server/bin/rozet.js).
  const { proc, ready } = await start(path.join(here, "server-child.ts"), execArgv, { UV_THREADPOOL_SIZE: "16", ...process.env, ROZET_HOME: home });
  const child = wrap(proc, ready.port);
  const file = (name: string) => {
    const p = path.join(home, name);
    return existsSync(p) ? statSync(p).size : 0;
  };
  return Object.assign(child, {
    home,
    synchronous: ready.synchronous as string,
    dbFiles: () => ({ db: file("rozet.db"), wal: file("rozet.db-wal"), shm: file("rozet.db-shm") }),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  });
}

/** The bare Node http sink (reads + JSON.parses the body, answers 200) in its own process. */
export async function spawnSink(options: { cpuProfDir?: string | undefined } = {}): Promise<Child> {
  const execArgv = options.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const { proc, ready } = await start(path.join(here, "sink-child.mjs"), execArgv, process.env);
  return wrap(proc, ready.port);
}

/**
 * bench:load's model stubs and hook senders in their own process (bench/lib/load-child.ts), at `nice` (they stand
 * in for machines elsewhere: the model API and remote Claude Code sessions).
 */
export async function spawnLoadGenerators(nice: number): Promise<Child> {
  const { proc } = await start(path.join(here, "load-child.ts"), ["--import", "tsx"], process.env);
  // Every thread: on Linux a nice value is per thread, and Node started its threads before this.
  if (nice !== 0) for (const thread of readdirSync(`/proc/${proc.pid}/task`)) setPriority(Number(thread), nice);
  return wrap(proc, 0);
}

/** Resident set size of a process from /proc (Linux): current and peak, in bytes. */
export function processMemory(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb("VmRSS"), peakRss: kb("VmHWM") };
}

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** CPU seconds the whole machine spent busy (all cores, from /proc/stat; excludes idle and iowait). */
export function systemBusySeconds(): number {
  const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** CPU seconds of one thread of a process (the main thread has the process id). */
export function threadCpuSeconds(pid: number, tid = pid): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
