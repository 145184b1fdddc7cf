import { DomainError } from "@rozet/vocabulary";

export interface ShellDriverConfig {
  /** A command running longer is stopped (SIGTERM, then SIGKILL) and the turn fails. Default 10 min. */
  timeoutMs: number;
  /** Output kept per stream per command; the rest is dropped and marked truncated. Default 1 MiB. */
  maxOutputBytes: number;
}

const DEFAULTS: ShellDriverConfig = { timeoutMs: 10 * 60_000, maxOutputBytes: 1024 * 1024 };

/** Reads the shell driver's settings from the agent config, with defaults; wrong types are the operator's to fix. */
export function readShellConfig(config: Record<string, unknown>): ShellDriverConfig {
  return {
    timeoutMs: positiveInteger(config, "timeoutMs") ?? DEFAULTS.timeoutMs,
    maxOutputBytes: positiveInteger(config, "maxOutputBytes") ?? DEFAULTS.maxOutputBytes,
  };
}

function positiveInteger(config: Record<string, unknown>, field: string): number | undefined {
  const value = config[field];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new DomainError("INVALID_INPUT", `shell driver: ${field} must be a positive integer`, { field });
  }
  return value;
}
