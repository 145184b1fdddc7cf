import { eventsOfType, type EventType } from "@rozet/vocabulary";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { catalogueViolations } from "../src/drivers/acp/testing.ts";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createShellDriver } from "../src/drivers/shell/index.ts";
import { isProcessAlive, liveProcessGroups } from "../src/process/index.ts";
import { withWorkspaceLock } from "../src/workspaces/index.ts";
import type { DriverEvent, DriverHost } from "../src/runtime/driver.ts";

vi.setConfig({ testTimeout: 30_000 });

const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), "rozet-shell-")));

afterAll(() => {
  expect(liveProcessGroups()).toEqual([]);
  rmSync(tmp, { recursive: true, force: true });
});

const hosts: RecordingHost[] = [];
// Every event the driver reported has the payload shape the catalogue (and the web) expects.
afterEach(() => expect(hosts.splice(0).flatMap((host) => catalogueViolations(host.events))).toEqual([]));

/** The runtime boundary: records what the driver reports. */
class RecordingHost implements DriverHost {
  events: DriverEvent[] = [];
  constructor() {
    hosts.push(this);
  }
  exits: string[] = [];
  activityCount = 0;
  emit(event: DriverEvent) {
    this.events.push(event);
  }
  async requestPermission() {
    return { behavior: "allow" as const };
  }
  exited(reason: string) {
    this.exits.push(reason);
  }
  activity() {
    this.activityCount++;
  }
  ofType<T extends EventType>(type: T) {
    return eventsOfType(this.events, type);
  }
  output(stream: "stdout" | "stderr") {
    return this.ofType("shell.output")
      .filter((event) => event.payload.stream === stream)
      .map((event) => event.payload.text)
      .join("");
  }
}

let dirCount = 0;
function freshDir(): string {
  const dir = path.join(tmp, `ws-${++dirCount}`);
  mkdirSync(dir);
  return dir;
}

function gitRepo(): string {
  const dir = freshDir();
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir });
  git("init", "-q");
  writeFileSync(path.join(dir, "tracked.txt"), "one\n");
  git("add", ".");
  git("commit", "-q", "-m", "init");
  return dir;
}

function driverIn(cwd: string, config: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const host = new RecordingHost();
  const driver = createShellDriver({ agentId: "a1", sessionId: "s1", cwd, config, env, dataDir: tmp, host });
  return { host, driver };
}

describe("shell driver", () => {
  let cwd: string;
  beforeEach(() => {
    cwd = freshDir();
  });

  it("runs a command line, streams both outputs, and fails on a non-zero exit", async () => {
    const { host, driver } = driverIn(cwd);
    await expect(driver.start()).resolves.toEqual({});
    const result = await driver.prompt("echo hi; echo err >&2; exit 3");
    expect(result.status).toBe("failed");
    expect(result.error).toBe("exited with code 3");

    const started = host.ofType("tool.started");
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ toolName: "Shell", summary: "Shell: echo hi; echo err >&2; exit 3" });
    expect(host.output("stdout")).toBe("hi\n");
    expect(host.output("stderr")).toBe("err\n");
    const finished = host.ofType("tool.finished");
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ toolName: "Shell", status: "error", payload: { exitCode: 3, signal: null } });
    expect(finished[0]!.payload.toolUseId).toBe(started[0]!.payload.toolUseId);
    expect(typeof finished[0]!.payload.durationMs).toBe("number");
    expect(host.events.at(-1)?.type).toBe("tool.finished"); // not a git workspace: no file events
    expect(host.activityCount).toBeGreaterThan(0);
  });

  it("completes on exit code 0, in the agent's cwd, with a minimal env plus the agent's", async () => {
    process.env.ROZET_TEST_SERVER_SECRET = "leak";
    const { host, driver } = driverIn(cwd, {}, { AGENT_VAR: "given" });
    await driver.start();
    const result = await driver.prompt('pwd; echo "${ROZET_TEST_SERVER_SECRET:-none} $AGENT_VAR"; test -n "$PATH" && test -n "$HOME"');
    delete process.env.ROZET_TEST_SERVER_SECRET;
    expect(result.status).toBe("completed");
    expect(host.output("stdout")).toBe(`${cwd}\nnone given\n`);
    expect(host.ofType("tool.finished")[0]).toMatchObject({ status: "ok", payload: { exitCode: 0 } });
  });

  it("cancels a running command within a second", async () => {
    const { host, driver } = driverIn(cwd);
    await driver.start();
    const turn = driver.prompt("sleep 30");
    await vi.waitFor(() => expect(host.ofType("tool.started")).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const cancelledAt = Date.now();
    await driver.cancel();
    const result = await turn;
    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
    expect(result.status).toBe("cancelled");
    expect(host.ofType("tool.finished")[0]).toMatchObject({ status: "cancelled", payload: { signal: "SIGINT" } });
  });

  it("stop() ends a running command and resolves", async () => {
    const { driver } = driverIn(cwd);
    await driver.start();
    const turn = driver.prompt("sleep 30; echo never");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await driver.stop();
    await expect(turn).resolves.toMatchObject({ status: "cancelled" });
    await expect(driver.prompt("echo again")).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
  });

  it("fails a command that runs past its timeout", async () => {
    const { host, driver } = driverIn(cwd, { timeoutMs: 300 });
    await driver.start();
    const result = await driver.prompt("sleep 30");
    expect(result).toMatchObject({ status: "failed", error: "timed out after 300 ms" });
    expect(host.ofType("tool.finished")[0]).toMatchObject({ status: "error", payload: { timedOut: true, signal: "SIGTERM" } });
  });

  it("does not let background jobs outlive the command", async () => {
    const { host, driver } = driverIn(cwd);
    await driver.start();
    await driver.prompt("sleep 300 & echo $!");
    const pid = Number(host.output("stdout").trim());
    expect(pid).toBeGreaterThan(0);
    expect(isProcessAlive(pid)).toBe(false);
  });

  it("caps an output flood per stream, marks it truncated once and keeps memory bounded", async () => {
    const maxOutputBytes = 1024 * 1024;
    const { host, driver } = driverIn(cwd, { maxOutputBytes });
    await driver.start();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 5);
    const result = await driver.prompt("yes | head -c 50000000; echo done >&2");
    clearInterval(sampler);

    expect(result.status).toBe("completed");
    const stdoutEvents = host.ofType("shell.output").filter((event) => event.payload.stream === "stdout");
    const markers = stdoutEvents.filter((event) => event.payload.truncated === true);
    expect(markers).toHaveLength(1);
    expect(markers[0]).toBe(stdoutEvents.at(-1)); // the marker comes after the last kept output
    expect(Buffer.byteLength(host.output("stdout"))).toBe(maxOutputBytes);
    // Coalesced: about one event per 16 KiB, not one per line (25 million lines).
    expect(stdoutEvents.length).toBeLessThan(maxOutputBytes / (16 * 1024) + 10);
    expect(host.output("stderr")).toBe("done\n");
    const finished = host.ofType("tool.finished")[0]!;
    expect(finished.payload.bytes).toEqual({ stdout: 50_000_000, stderr: 5 });
    expect(finished.payload.droppedBytes).toEqual({ stdout: 50_000_000 - maxOutputBytes, stderr: 0 });
    expect(heapPeak - heapBefore).toBeLessThan(40 * 1024 * 1024); // 50 MB went through, far less was held
  });

  it("reports files a command changed in a git workspace, with their diffs", async () => {
    const repo = gitRepo();
    const { host, driver } = driverIn(repo);
    await driver.start();
    await driver.prompt("echo new > added.txt; echo two >> tracked.txt");
    const changes = host.ofType("file.changed");
    expect(changes.map((event) => [event.payload.path, event.payload.kind])).toEqual([
      ["added.txt", "added"],
      ["tracked.txt", "modified"],
    ]);
    expect(changes[0]!.filePath).toBe(path.join(repo, "added.txt"));
    expect(changes[0]!.payload).toMatchObject({ summarized: false, added: 1, removed: 0 });
    expect(changes[0]!.payload.patch).toContain("+new");
    expect(changes[0]!.payload.toolUseId).toBe(host.ofType("tool.started")[0]!.payload.toolUseId);
    expect(changes[1]!.summary).toBe("modified tracked.txt (+1 −0)");
    expect(changes[1]!.payload.patch).toContain("+two");
    expect(changes[1]!.payload.patch).toContain(" one");

    // A command that changes nothing reports nothing, though the workspace is still dirty.
    host.events = [];
    await driver.prompt("cat tracked.txt");
    expect(host.ofType("file.changed")).toEqual([]);

    // Deleted, large and binary files: reported, and summarized instead of diffed.
    host.events = [];
    await driver.prompt("rm tracked.txt; head -c 300000 /dev/zero | tr '\\0' a > big.txt; printf 'a\\0b' > blob.bin");
    const byPath = Object.fromEntries(host.ofType("file.changed").map((event) => [event.payload.path, event.payload]));
    expect(byPath["tracked.txt"]).toMatchObject({ kind: "deleted" });
    expect(byPath["tracked.txt"]!.patch).toContain("-one");
    expect(byPath["big.txt"]).toMatchObject({ kind: "added" });
    expect(byPath["big.txt"]!.patch).toBeUndefined();
    expect(byPath["big.txt"]).toMatchObject({ summarized: true, added: 1, removed: 0 });
    expect(byPath["big.txt"]!.reason).toMatch(/over the 256 KiB diff limit/);
    expect(byPath["blob.bin"]).toMatchObject({ kind: "added" });
    expect(byPath["blob.bin"]).toMatchObject({ summarized: true, reason: expect.stringMatching(/binary/) });
  });

  it("two agents sharing a workspace take turns under the workspace lock, each seeing only its own changes", async () => {
    const repo = gitRepo();
    const one = driverIn(repo);
    const two = driverIn(repo);
    await Promise.all([one.driver.start(), two.driver.start()]);
    const waits: string[] = [];
    const turn = (agent: typeof one, name: string, command: string) =>
      withWorkspaceLock(repo, () => agent.driver.prompt(command), { onWait: () => waits.push(name) });
    await Promise.all([
      turn(one, "one", "echo a > one.txt; sleep 0.3; echo b >> one.txt"),
      turn(two, "two", "echo c > two.txt"),
    ]);
    expect(waits).toEqual(["two"]);
    expect(one.host.ofType("file.changed").map((event) => event.payload.path)).toEqual(["one.txt"]);
    expect(two.host.ofType("file.changed").map((event) => event.payload.path)).toEqual(["two.txt"]);
  });

  it("refuses to start in a folder that does not exist", async () => {
    const { driver } = driverIn(path.join(tmp, "missing"));
    await expect(driver.start()).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
  });

  it("rejects a malformed config as the operator's input error", () => {
    expect(() => driverIn(cwd, { timeoutMs: "soon" })).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
  });

  it("treats an empty line as a completed no-op", async () => {
    const { host, driver } = driverIn(cwd);
    await driver.start();
    await expect(driver.prompt("   ")).resolves.toEqual({ status: "completed", result: "" });
    expect(host.events).toEqual([]);
  });
});
