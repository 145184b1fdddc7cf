import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AGENT_ID_ENV, findOrphans, isProcessAlive, killOrphans, signalProcessGroup } from "../src/process/index.ts";

const started: number[] = [];
afterEach(() => {
  for (const pgid of started.splice(0)) signalProcessGroup(pgid, "SIGKILL");
});

/** A detached group (leader bash + a background sleep), as the drivers start agents, with an optional marker. */
async function startGroup(env: Record<string, string>): Promise<{ leader: number; member: number }> {
  const child = spawn("/bin/bash", ["-c", "sleep 300 & echo $!; wait"], { detached: true, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdio: ["ignore", "pipe", "ignore"] });
  started.push(child.pid!);
  const member = await new Promise<number>((resolve) => child.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  child.unref();
  // `$!` is printed right after the fork: wait until the member has become `sleep`, since mid-exec its /proc entry
  // can read as nothing (a loaded machine showed it).
  await until(() => readCmdline(member).startsWith("sleep"));
  return { leader: child.pid!, member };
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

async function until(ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error("the test process group did not start");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function gone(pid: number): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe.runIf(process.platform === "linux")("orphan sweep after a crash", () => {
  it("kills the whole group of a process marked with a lost agent's id", async () => {
    const agentId = randomUUID();
    const group = await startGroup({ [AGENT_ID_ENV]: agentId });
    expect(findOrphans(new Set([agentId])).map((o) => o.pid).sort()).toEqual([group.leader, group.member].sort());
    const sweep = killOrphans(new Set([agentId]));
    expect(sweep.killedGroups).toEqual([group.leader]);
    expect(await gone(group.leader)).toBe(true);
    expect(await gone(group.member)).toBe(true);
  });

  it("leaves alone processes of other agents and unmarked ones (a reused pid is not ours)", async () => {
    const lost = randomUUID();
    const other = await startGroup({ [AGENT_ID_ENV]: randomUUID() });
    const unmarked = await startGroup({});
    const sweep = killOrphans(new Set([lost]));
    expect(sweep).toEqual({ killedGroups: [], orphans: [] });
    for (const pid of [other.leader, other.member, unmarked.leader, unmarked.member]) expect(isProcessAlive(pid)).toBe(true);
  });
});
