import { spawn } from "node:child_process";
import { afterAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DomainError } from "@rozet/vocabulary";
import {
  LineSplitter,
  OutputCap,
  isProcessAlive,
  listProcessGroupMembers,
  liveProcessGroups,
  spawnAgentProcess,
  agentNice,
  lowerAgentPriority,
  stopProcessGroup,
  watchUnexpectedExit,
  type AgentProcess,
} from "../src/process/index.ts";

vi.setConfig({ testTimeout: 30_000 });

const cwd = mkdtempSync(path.join(os.tmpdir(), "rozet-process-"));
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

afterAll(() => {
  // Every group any test started is gone: no orphans left behind.
  expect(liveProcessGroups()).toEqual([]);
  rmSync(cwd, { recursive: true, force: true });
});

async function until<T>(probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function bash(script: string, extra: Partial<Parameters<typeof spawnAgentProcess>[0]> = {}): Promise<AgentProcess> {
  // stdin "ignore": with a socket on stdin, bash -c would source ~/.bashrc (it assumes it runs under sshd).
  return spawnAgentProcess({ command: "/bin/bash", args: ["-c", script], cwd, env, maxLineBytes: 4096, stdin: "ignore", ...extra });
}

describe("spawnAgentProcess + stopProcessGroup", () => {
  it("spawns the agent as the leader of its own process group", async () => {
    const proc = await bash("sleep 300");
    expect(listProcessGroupMembers(proc.pid)).toContain(proc.pid);
    expect(liveProcessGroups().map((group) => group.pgid)).toContain(proc.pid);
    await stopProcessGroup(proc.child, { graceMs: 0 });
  });

  it("runs the agent, and what it starts, at a lower CPU priority than the server (nice 10), so the server's answers do not queue behind agents' work", async () => {
    const proc = await bash("sleep 300 & wait");
    const child = await until(() => listProcessGroupMembers(proc.pid).find((pid) => pid !== proc.pid));
    expect(os.getPriority(proc.pid)).toBe(Math.min(19, os.getPriority() + 10));
    expect(os.getPriority(child)).toBe(os.getPriority(proc.pid));
    expect(agentNice({ ROZET_AGENT_NICE: "0" })).toBe(0);
    expect(agentNice({ ROZET_AGENT_NICE: "nonsense" })).toBe(10);
    await stopProcessGroup(proc.child, { graceMs: 0 });
  });

  it("lowers every thread of an agent that started its threads already (on Linux a nice value belongs to a thread)", async () => {
    // A Node agent with a worker thread running before its priority is lowered, like an agent CLI that is quick to start.
    const script = `new (require("node:worker_threads").Worker)("setInterval(() => {}, 1000)", { eval: true }).on("online", () => console.log("ready")); setInterval(() => {}, 1000);`;
    const proc = spawn(process.execPath, ["-e", script], { cwd, env, detached: true, stdio: ["ignore", "pipe", "ignore"] });
    await new Promise<void>((resolve) => proc.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve()));
    const nice = (tid: string) => Number(readFileSync(`/proc/${proc.pid}/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ")[16]);
    try {
      lowerAgentPriority(proc.pid, {});
      const threads = readdirSync(`/proc/${proc.pid}/task`);
      expect(threads.length).toBeGreaterThan(2);
      expect(threads.map(nice)).toEqual(threads.map(() => Math.min(19, os.getPriority() + 10)));
    } finally {
      await stopProcessGroup(proc, { graceMs: 0 }); // also when an expectation fails: no process outlives the test
    }
  });

  it("kills the child and its grandchildren, leaving no pid of the group alive", async () => {
    const proc = await bash("sleep 300 & sleep 300 & wait");
    const members = await until(() => {
      const found = listProcessGroupMembers(proc.pid);
      return found.length >= 3 ? found : undefined; // bash + two sleeps
    });
    const exit = await stopProcessGroup(proc.child, { graceMs: 100, killAfterMs: 2_000 });
    expect(exit.signal).toBe("SIGTERM");
    for (const pid of members) expect(isProcessAlive(pid), `pid ${pid} still alive`).toBe(false);
    expect(listProcessGroupMembers(proc.pid)).toEqual([]);
    expect(liveProcessGroups().map((group) => group.pgid)).not.toContain(proc.pid);
  });

  it("also kills background jobs that outlived their leader", async () => {
    const lines: string[] = [];
    const proc = await bash("sleep 300 & echo $!", { onStdoutLine: (line) => lines.push(line) });
    await proc.exited;
    const orphan = Number(await until(() => lines[0]));
    expect(isProcessAlive(orphan)).toBe(true);
    expect(liveProcessGroups().find((group) => group.pgid === proc.pid)?.leaderExited).toBe(true);
    await stopProcessGroup(proc.child, { graceMs: 0 });
    expect(isProcessAlive(orphan)).toBe(false);
  });

  it("SIGKILLs a group that ignores SIGTERM once the grace period is over", async () => {
    const lines: string[] = [];
    const proc = await bash('trap "" TERM; echo ready; while true; do sleep 0.05; done', { onStdoutLine: (line) => lines.push(line) });
    await until(() => (lines.includes("ready") ? true : undefined));
    const started = Date.now();
    const exit = await stopProcessGroup(proc.child, { graceMs: 100, killAfterMs: 400 });
    const elapsed = Date.now() - started;
    expect(exit.signal).toBe("SIGKILL");
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(3_000);
    expect(listProcessGroupMembers(proc.pid)).toEqual([]);
  });

  it("lets an agent that exits on end of input go without any signal", async () => {
    const proc = await spawnAgentProcess({ command: "cat", args: [], cwd, env, maxLineBytes: 1024 });
    const exit = await stopProcessGroup(proc.child, { graceMs: 2_000 });
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it("never goes through a shell: metacharacters are plain argv", async () => {
    const lines: string[] = [];
    const proc = await spawnAgentProcess({
      command: "echo",
      args: ["$HOME; rm -rf /", "`id`"],
      cwd,
      env,
      maxLineBytes: 1024,
      onStdoutLine: (line) => lines.push(line),
    });
    await proc.exited;
    await until(() => lines[0]);
    expect(lines).toEqual(["$HOME; rm -rf / `id`"]);
  });

  it("passes only the given environment", async () => {
    process.env.ROZET_TEST_SERVER_SECRET = "leak";
    const lines: string[] = [];
    const proc = await bash('echo "${ROZET_TEST_SERVER_SECRET:-none} $AGENT_VAR"', {
      env: { ...env, AGENT_VAR: "given" },
      onStdoutLine: (line) => lines.push(line),
    });
    await proc.exited;
    expect(await until(() => lines[0])).toBe("none given");
    delete process.env.ROZET_TEST_SERVER_SECRET;
  });

  it("reports a command or cwd that cannot be started as a DomainError", async () => {
    await expect(spawnAgentProcess({ command: "/nonexistent/agent", args: [], cwd, env, maxLineBytes: 1024 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    const missing = spawnAgentProcess({ command: "true", args: [], cwd: path.join(cwd, "missing"), env, maxLineBytes: 1024 });
    await expect(missing).rejects.toBeInstanceOf(DomainError);
    await expect(missing).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
  });
});

describe("line splitting", () => {
  it("splits stdout and stderr into lines, including a last line without newline", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const proc = await bash('printf "a\\r\\nb\\n"; echo e1 >&2; printf "tail"', {
      onStdoutLine: (line) => out.push(line),
      onStderrLine: (line) => err.push(line),
    });
    await proc.exited;
    await until(() => (out.length === 3 ? true : undefined));
    expect(out).toEqual(["a", "b", "tail"]);
    expect(err).toEqual(["e1"]);
  });

  it("cuts over-long lines at maxLineBytes, flags them and drops their rest", () => {
    const lines: [string, boolean][] = [];
    const splitter = new LineSplitter(5, (line, { truncated }) => lines.push([line, truncated]));
    splitter.push(Buffer.from("abc\n0123456789"));
    splitter.push(Buffer.from("more\nok\nx"));
    splitter.flush();
    expect(lines).toEqual([
      ["abc", false],
      ["01234", true],
      ["ok", false],
      ["x", false],
    ]);
  });

  it("bounds memory for a flood without newlines", async () => {
    const lines: { length: number; truncated: boolean }[] = [];
    const proc = await bash("head -c 20000000 /dev/zero | tr '\\0' x; echo; echo after", {
      maxLineBytes: 64 * 1024,
      onStdoutLine: (line, { truncated }) => lines.push({ length: line.length, truncated }),
    });
    await proc.exited;
    await until(() => (lines.length === 2 ? true : undefined));
    expect(lines).toEqual([
      { length: 64 * 1024, truncated: true },
      { length: 5, truncated: false },
    ]);
  });
});

describe("OutputCap", () => {
  it("keeps output up to the budget, reports truncation once and counts the dropped bytes", () => {
    const cap = new OutputCap(10);
    expect(cap.take("12345")).toEqual({ kept: "12345", justTruncated: false });
    expect(cap.take("6789012")).toEqual({ kept: "67890", justTruncated: true });
    expect(cap.take("more")).toEqual({ kept: "", justTruncated: false });
    expect(cap.truncated).toBe(true);
    expect(cap.keptBytes).toBe(10);
    expect(cap.droppedBytes).toBe(6);
  });

  it("never splits a multi-byte character", () => {
    const cap = new OutputCap(4);
    const { kept } = cap.take("ab€"); // "€" is 3 bytes: only "ab" fits
    expect(kept).toBe("ab");
    expect(cap.droppedBytes).toBe(3);
  });
});

describe("watchUnexpectedExit", () => {
  it("reports a crash, with code or signal", async () => {
    const proc = await bash("sleep 300");
    const reasons: string[] = [];
    watchUnexpectedExit(proc.child, (reason) => reasons.push(reason));
    process.kill(proc.pid, "SIGKILL");
    await proc.exited;
    expect(reasons).toEqual(["agent process killed by SIGKILL"]);

    const failing = await bash("exit 7");
    const codes: (number | null)[] = [];
    watchUnexpectedExit(failing.child, (_reason, exit) => codes.push(exit.code));
    await failing.exited;
    expect(codes).toEqual([7]);
  });

  it("stays quiet about an exit the driver asked for", async () => {
    const proc = await bash("sleep 300");
    const reasons: string[] = [];
    const watcher = watchUnexpectedExit(proc.child, (reason) => reasons.push(reason));
    watcher.expectExit();
    await stopProcessGroup(proc.child, { graceMs: 0 });
    expect(reasons).toEqual([]);
  });
});
