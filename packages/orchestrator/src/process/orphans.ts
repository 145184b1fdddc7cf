import { readdirSync, readFileSync } from "node:fs";
import { readProcStat, signalProcessGroup } from "./process-group.ts";

/**
 * Orphans: agent processes (and everything they started) that outlived a control room killed without a chance to
 * stop them (kill -9, OOM killer). They were re-parented to init and keep running, spending tokens and holding
 * files. On the next start we find and kill them before anything else.
 *
 * Every agent process gets `ROZET_AGENT_ID=<agent id>` in its environment, and children inherit it. That marker
 * is our guard against pid reuse: a recorded pid or process group id may belong to an unrelated process by now,
 * but a process whose environment names one of our lost agents (a random uuid) is ours. We kill its whole process
 * group (the drivers spawn each agent and each shell command as a group leader), which also reaches group members
 * that cleared their environment.
 */
export const AGENT_ID_ENV = "ROZET_AGENT_ID";

export interface OrphanedProcess {
  pid: number;
  pgid: number;
  agentId: string;
}

export interface OrphanSweep {
  /** Process groups that received SIGKILL. */
  killedGroups: number[];
  /** The marked processes that were found, per agent. */
  orphans: OrphanedProcess[];
}

/**
 * Live processes (not zombies) whose environment carries the id of one of `agentIds` (in `marker`, by default
 * ROZET_AGENT_ID; a runner marks its agents with its own id too). Linux only (reads /proc).
 */
export function findOrphans(agentIds: ReadonlySet<string>, marker = AGENT_ID_ENV): OrphanedProcess[] {
  if (process.platform !== "linux" || agentIds.size === 0) return [];
  const orphans: OrphanedProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const agentId = markedAgent(pid, agentIds, marker);
    if (agentId === undefined) continue;
    const stat = readProcStat(pid);
    if (stat && stat.state !== "Z" && stat.state !== "X") orphans.push({ pid, pgid: stat.pgrp, agentId });
  }
  return orphans;
}

/**
 * Kills every process group holding an orphan of `agentIds`, then any marked process that had left its group
 * (setsid). Never signals this server's own group. Synchronous: meant to run once at startup, before agents launch.
 */
export function killOrphans(agentIds: ReadonlySet<string>, marker = AGENT_ID_ENV): OrphanSweep {
  const orphans = findOrphans(agentIds, marker);
  const ownGroup = readProcStat(process.pid)?.pgrp;
  const killedGroups: number[] = [];
  for (const pgid of new Set(orphans.map((orphan) => orphan.pgid))) {
    if (pgid === ownGroup || pgid <= 1) continue;
    if (signalProcessGroup(pgid, "SIGKILL")) killedGroups.push(pgid);
  }
  for (const orphan of orphans) {
    if (killedGroups.includes(orphan.pgid)) continue;
    try {
      process.kill(orphan.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return { killedGroups, orphans };
}

function markedAgent(pid: number, agentIds: ReadonlySet<string>, marker: string): string | undefined {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, "latin1");
  } catch {
    return undefined; // another user's process, or it exited
  }
  const prefix = `${marker}=`;
  for (const variable of environ.split("\0")) {
    if (variable.startsWith(prefix)) {
      const id = variable.slice(prefix.length);
      return agentIds.has(id) ? id : undefined;
    }
  }
  return undefined;
}
