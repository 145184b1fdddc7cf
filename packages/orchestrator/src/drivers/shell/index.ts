export { createShellDriver } from "./shell-driver.ts";
export { readShellConfig, type ShellDriverConfig } from "./config.ts";
