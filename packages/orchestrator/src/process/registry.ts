import type { ChildProcess } from "node:child_process";
import { hasExited } from "./exit.ts";
import { isProcessGroupAlive, signalProcessGroup } from "./process-group.ts";
import { stopProcessGroup } from "./stop.ts";

/**
 * Every agent process group this server started and that may still be alive. The server stops them all on
 * shutdown (an agent must never outlive the control room unnoticed), and tests assert the registry ends empty.
 */
export interface LiveProcessGroup {
  pgid: number;
  command: string;
  startedAt: Date;
  /** The leader is gone but members of its group were still running when it exited. */
  leaderExited: boolean;
}

interface Entry extends LiveProcessGroup {
  child: ChildProcess;
}

const groups = new Map<number, Entry>();

export function trackProcessGroup(child: ChildProcess, command: string): void {
  const pgid = child.pid;
  if (pgid === undefined) return;
  const entry: Entry = { pgid, command, startedAt: new Date(), leaderExited: false, child };
  groups.set(pgid, entry);
  child.once("exit", () => {
    entry.leaderExited = true;
    if (!isProcessGroupAlive(pgid)) groups.delete(pgid);
  });
}

/** Groups with a live leader or live members; entries whose group has emptied are forgotten here. */
export function liveProcessGroups(): LiveProcessGroup[] {
  const live: LiveProcessGroup[] = [];
  for (const entry of groups.values()) {
    if (entry.leaderExited && !isProcessGroupAlive(entry.pgid)) {
      groups.delete(entry.pgid);
      continue;
    }
    live.push({ pgid: entry.pgid, command: entry.command, startedAt: entry.startedAt, leaderExited: entry.leaderExited });
  }
  return live;
}

/** Synchronous last resort for `process.on("exit")`: SIGKILL every tracked group. Returns how many were hit. */
export function killAllProcessGroups(): number {
  let hit = 0;
  for (const group of liveProcessGroups()) if (signalProcessGroup(group.pgid, "SIGKILL")) hit++;
  groups.clear();
  return hit;
}

/** Graceful shutdown: stops every tracked group in parallel (stdin end → grace → SIGTERM → SIGKILL). */
export async function stopAllProcessGroups(options: { graceMs: number; killAfterMs?: number }): Promise<void> {
  await Promise.all(
    [...groups.values()].map(async (entry) => {
      if (!hasExited(entry.child)) await stopProcessGroup(entry.child, options);
      else signalProcessGroup(entry.pgid, "SIGKILL"); // only orphaned members are left
      groups.delete(entry.pgid);
    }),
  );
}
