export { spawnAgentProcess, type SpawnAgentOptions, type AgentProcess } from "./spawn.ts";
export { lowerAgentPriority, agentNice } from "./priority.ts";
export { stopProcessGroup, killGroupStragglers, type StopOptions } from "./stop.ts";
export { exitOf, waitForExit, hasExited, describeExit, type ProcessExit } from "./exit.ts";
export { watchUnexpectedExit, type ExitWatcher } from "./exit-watcher.ts";
export { OutputCap, type CapResult } from "./output-cap.ts";
export { LineSplitter, type LineHandler } from "./line-splitter.ts";
export {
  trackProcessGroup,
  liveProcessGroups,
  killAllProcessGroups,
  stopAllProcessGroups,
  type LiveProcessGroup,
} from "./registry.ts";
export { signalProcessGroup, listProcessGroupMembers, isProcessGroupAlive, isProcessAlive } from "./process-group.ts";
export { killOrphans, findOrphans, AGENT_ID_ENV, type OrphanedProcess, type OrphanSweep } from "./orphans.ts";
