import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { listProcessGroupMembers } from "./process-group.ts";

/**
 * Agent processes run at a lower CPU priority than the server (10 nice steps below it by default;
 * ROZET_AGENT_NICE changes the step, 0 keeps them equal): on a machine whose cores are taken by the agents' own
 * work (50 Claude Code processes on 2 cores in bench:load), the server's answers — command acks, hook ingest, permission answers — otherwise wait
 * in the same run queue as every agent. `pid` leads its own process group: what it starts afterwards inherits the
 * priority, and what it started before (between spawn and this call) is lowered here with it.
 */
export function lowerAgentPriority(pid: number | undefined, env: NodeJS.ProcessEnv = process.env): void {
  const nice = agentNice(env);
  if (pid === undefined || nice === 0) return;
  const priority = Math.min(19, getPriority() + nice);
  setPriorityOf(pid, priority);
  for (const member of listProcessGroupMembers(pid)) if (member !== pid) setPriorityOf(member, priority);
}

/** Every thread of the process: on Linux a nice value belongs to a thread, and setpriority(pid) changes only the main one. */
function setPriorityOf(pid: number, priority: number): void {
  for (const thread of threadsOf(pid)) {
    try {
      setPriority(thread, priority);
    } catch {
      // The thread or process may already be gone; a priority we cannot set changes nothing else.
    }
  }
}

function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number).filter(Number.isInteger);
  } catch {
    return [pid]; // no /proc (not Linux) or the process is gone
  }
}

export function agentNice(env: NodeJS.ProcessEnv): number {
  const raw = env.ROZET_AGENT_NICE;
  const value = raw === undefined || raw === "" ? 10 : Number(raw);
  return Number.isInteger(value) && value >= 0 && value <= 19 ? value : 10;
}
