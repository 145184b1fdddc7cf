import type { DriverFactory } from "../runtime/driver.ts";
import { lazyDriver } from "./lazy-driver.ts";

/** The drivers the control room can start agents with (`external` agents report in by hooks instead). */
export const builtinDrivers: Record<string, DriverFactory> = {
  claude: lazyDriver(async () => (await import("./claude/claude-driver.ts")).createClaudeDriver),
  acp: lazyDriver(async () => (await import("./acp/index.ts")).createAcpDriver),
  shell: lazyDriver(async () => (await import("./shell/index.ts")).createShellDriver),
};
