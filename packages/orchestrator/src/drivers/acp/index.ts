export { AcpDriverError, createAcpDriver } from "./driver.ts";
export { AcpEventMapper, type ToolState } from "./events.ts";
export {
  ACP_PROFILES,
  AcpConfigError,
  acpConfigSchema,
  opencodeBin,
  parseAcpConfig,
  resolveLaunch,
  type AcpConfig,
  type AcpProfile,
  type LaunchSpec,
} from "./profiles.ts";
export { processGroupMembers } from "./process.ts";
export { resolveInSandbox, SandboxError } from "./sandbox-fs.ts";
