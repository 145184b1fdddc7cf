import { DomainError } from "@rozet/vocabulary";
import { z } from "zod";

/** The shell driver's settings in an agent's config (the API's `agent.create` input is derived from this). */
export const shellConfigSchema = z.object({
  /** A command running longer is stopped (SIGTERM, then SIGKILL) and the turn fails. Default 10 min. */
  timeoutMs: z.int().positive().max(24 * 3_600_000).optional(),
  /** Output kept per stream per command; the rest is dropped and marked truncated. Default 1 MiB. */
  maxOutputBytes: z.int().positive().max(1024 * 1024 * 1024).optional(),
});

export interface ShellDriverConfig {
  timeoutMs: number;
  maxOutputBytes: number;
}

const DEFAULTS: ShellDriverConfig = { timeoutMs: 10 * 60_000, maxOutputBytes: 1024 * 1024 };

/** Reads the shell driver's settings from the agent config, with defaults; a wrong value names its field. */
export function readShellConfig(config: Record<string, unknown>): ShellDriverConfig {
  // Only this driver's keys: the config also holds settings for the runtime (env, worktree).
  const parsed = shellConfigSchema.safeParse({ timeoutMs: config.timeoutMs, maxOutputBytes: config.maxOutputBytes });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "config");
    throw new DomainError("INVALID_INPUT", `shell driver: ${field}: ${issue.message}`, { field });
  }
  return { timeoutMs: parsed.data.timeoutMs ?? DEFAULTS.timeoutMs, maxOutputBytes: parsed.data.maxOutputBytes ?? DEFAULTS.maxOutputBytes };
}
