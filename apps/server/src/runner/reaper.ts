import { killOrphans } from "@rozet/orchestrator";
import { RUNNER_ID_ENV } from "./runner-agent.ts";

/**
 * `rozet runner-reaper MARKER` (started by `rozet runner`, not by hand): waits for its stdin to end, which happens
 * when the runner is gone however it ended (kill -9 included), then kills every process group whose processes
 * carry the runner's marker. The runner's agents never outlive it.
 */
export async function runReaper(marker: string): Promise<void> {
  process.stdin.resume();
  await new Promise<void>((resolve) => {
    process.stdin.once("end", resolve);
    process.stdin.once("error", () => resolve());
    process.stdin.once("close", resolve);
  });
  const sweep = killOrphans(new Set([marker]), RUNNER_ID_ENV);
  if (sweep.orphans.length > 0) process.stderr.write(`rozet runner-reaper: killed ${sweep.orphans.length} processes the runner left (groups ${sweep.killedGroups.join(", ")})\n`);
}
