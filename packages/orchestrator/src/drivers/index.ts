import type { DriverFactory } from "../runtime/driver.ts";
import { createAcpDriver } from "./acp/index.ts";
import { createClaudeDriver } from "./claude/claude-driver.ts";
import { createShellDriver } from "./shell/index.ts";

/** The drivers the control room can start agents with (`external` agents report in by hooks instead). */
export const builtinDrivers: Record<string, DriverFactory> = {
  claude: createClaudeDriver,
  acp: createAcpDriver,
  shell: createShellDriver,
};
