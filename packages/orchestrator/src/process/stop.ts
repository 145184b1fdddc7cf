import type { ChildProcess } from "node:child_process";
import { exitOf, hasExited, waitForExit, type ProcessExit } from "./exit.ts";
import { listProcessGroupMembers, signalProcessGroup } from "./process-group.ts";

export interface StopOptions {
  /** How long the agent gets to exit on its own after its stdin is closed (0: signal at once). */
  graceMs: number;
  /** How long the first signal gets before SIGKILL. Default 2 s. */
  killAfterMs?: number;
  /** SIGTERM for agents; SIGINT for an interrupted shell command (what Ctrl-C would send). */
  firstSignal?: "SIGTERM" | "SIGINT";
}

const DEFAULT_KILL_AFTER_MS = 2_000;
/** How long we poll for stragglers to vanish after the final SIGKILL. */
const SWEEP_WAIT_MS = 1_000;

/**
 * Stops a process spawned as its own group leader: close stdin, wait `graceMs`, signal the whole group, wait,
 * then SIGKILL the group. Resolves once the leader has exited and no live member of its group is left (members
 * that outlived the leader are orphans nobody else would clean up, so they are killed too).
 */
export async function stopProcessGroup(child: ChildProcess, options: StopOptions): Promise<ProcessExit> {
  const pgid = child.pid;
  if (pgid === undefined) return exitOf(child); // never spawned
  if (!hasExited(child)) {
    child.stdin?.end();
    if (!(await waitForExit(child, options.graceMs))) {
      signalProcessGroup(pgid, options.firstSignal ?? "SIGTERM");
      if (!(await waitForExit(child, options.killAfterMs ?? DEFAULT_KILL_AFTER_MS))) {
        signalProcessGroup(pgid, "SIGKILL");
      }
    }
  }
  const exit = await exitOf(child);
  await killGroupStragglers(pgid);
  return exit;
}

/** SIGKILLs whatever is left in the group and waits (briefly) until the kernel shows it gone. */
export async function killGroupStragglers(pgid: number): Promise<void> {
  if (listProcessGroupMembers(pgid).length === 0) return;
  signalProcessGroup(pgid, "SIGKILL");
  const deadline = Date.now() + SWEEP_WAIT_MS;
  while (listProcessGroupMembers(pgid).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
