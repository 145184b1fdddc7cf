/** The environment that points Claude Code at a model stub, offline. */
export function claudeCodeEnv(stubUrl: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: stubUrl,
    ANTHROPIC_API_KEY: "stub-key",
    IS_SANDBOX: "1",
    DISABLE_TELEMETRY: "1",
    // No side requests (session titles) that would take scripted steps meant for the agent's turn.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    CLAUDE_CODE_MAX_RETRIES: "1",
  };
}
