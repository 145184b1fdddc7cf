import { readdirSync, readFileSync } from "node:fs";

/**
 * Process-group primitives. Every agent runs as the leader of its own group (spawned detached), so one signal to
 * `-pgid` reaches the agent and everything it started, including grandchildren that were re-parented to init.
 */

/** Sends `signal` to every process in the group. Returns false when the group is already gone. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/**
 * Live (non-zombie) pids in the group. On Linux we read /proc because `kill(-pgid, 0)` also succeeds for zombies,
 * and init in a container often never reaps them; elsewhere we fall back to that probe.
 */
export function listProcessGroupMembers(pgid: number): number[] {
  if (process.platform !== "linux") return signalProcessGroup(pgid, 0) ? [pgid] : [];
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== "Z" && stat.state !== "X") members.push(Number(entry));
  }
  return members;
}

export function isProcessGroupAlive(pgid: number): boolean {
  return listProcessGroupMembers(pgid).length > 0;
}

/** Whether one pid is alive and not a zombie (Linux: /proc; elsewhere `kill(pid, 0)`). */
export function isProcessAlive(pid: number): boolean {
  if (process.platform === "linux") {
    const stat = readProcStat(pid);
    return stat !== undefined && stat.state !== "Z" && stat.state !== "X";
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** State and process group of one pid from /proc/<pid>/stat (Linux); undefined once it has exited. */
export function readProcStat(pid: number): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // exited between readdir and read
  }
  // The command name is in parentheses and may itself contain spaces or ")": split after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const pgrp = Number(fields[2]);
  return state === undefined || Number.isNaN(pgrp) ? undefined : { state, pgrp };
}
