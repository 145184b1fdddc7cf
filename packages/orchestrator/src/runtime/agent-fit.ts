/**
 * Which agents may take a task: the one the task names, or one of the kind its agent profile asks for (a Claude
 * task's prompt is no shell command line, and a Gemini task was written for Gemini).
 */

/** What a task asks of the agent that takes it; a field left out accepts any agent. */
export interface AgentWants {
  driver?: string | undefined;
  /** ACP only: the launch profile (claude, codex, gemini, opencode, custom). */
  acpProfile?: string | undefined;
  /** Only agents on runners with this label. */
  runnerLabel?: string | undefined;
}

/** What an agent is, as a task's wants are matched against it (from its stored driver and config). */
export interface AgentKind {
  driver: string;
  acpProfile: string | null;
  runnerLabel: string | null;
}

/** The kind of an agent from its stored driver and config. */
export function agentKindOf(driver: string, config: Record<string, unknown>, runnerLabel: string | null): AgentKind {
  return { driver, acpProfile: driver === "acp" && typeof config.profile === "string" ? config.profile : null, runnerLabel };
}

/** The wants of a task's agent profile (no profile: any agent). */
export function wantsOf(profile: { driver: string; config?: Record<string, unknown> | undefined; runnerLabel?: string | undefined } | null): AgentWants {
  if (!profile) return {};
  const acpProfile = profile.driver === "acp" && typeof profile.config?.profile === "string" ? profile.config.profile : undefined;
  return { driver: profile.driver, acpProfile, runnerLabel: profile.runnerLabel };
}

export function agentFits(agent: AgentKind, wants: AgentWants): boolean {
  if (wants.driver !== undefined && agent.driver !== wants.driver) return false;
  if (wants.acpProfile !== undefined && agent.acpProfile !== wants.acpProfile) return false;
  if (wants.runnerLabel !== undefined && agent.runnerLabel !== wants.runnerLabel) return false;
  return true;
}
