import { DomainError } from "@rozet/vocabulary";
import { z } from "zod";

/** The Claude driver's settings in an agent's config (the API's `agent.create` input is derived from this). */
export const claudeConfigSchema = z.object({
  /** Permission mode; "default" asks for every risky tool (never auto-approve by default). */
  permissionMode: z.enum(["default", "acceptEdits", "plan"]).optional(),
  /** Which Claude Code settings files to load (none by default: a project's own hooks would double events). */
  settingSources: z.array(z.enum(["user", "project", "local"])).optional(),
  /** Take away every tool that edits files or runs commands (a planner looks, it does not touch). */
  readOnly: z.boolean().optional(),
  /** The Claude Code executable to run instead of the SDK's bundled one. */
  executable: z.string().min(1).max(4_096).optional(),
});
export type ClaudeDriverConfig = z.infer<typeof claudeConfigSchema>;

/** This driver's settings from the agent config (other keys belong to the runtime); a wrong value names its field. */
export function readClaudeConfig(config: Record<string, unknown>): ClaudeDriverConfig {
  const parsed = claudeConfigSchema.safeParse({ permissionMode: config.permissionMode, settingSources: config.settingSources, readOnly: config.readOnly, executable: config.executable });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "config");
    throw new DomainError("INVALID_INPUT", `claude driver: ${field}: ${issue.message}`, { field });
  }
  return parsed.data;
}
