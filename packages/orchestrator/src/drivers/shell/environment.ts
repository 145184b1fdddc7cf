const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The environment of a shell command: PATH, HOME and LANG from the server (so it behaves like the operator's
 * terminal), plus the agent's configured env. Nothing else from the server leaks in (tokens, database paths).
 */
export function shellEnvironment(agentEnv: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? DEFAULT_PATH,
    HOME: process.env.HOME ?? "/",
    LANG: process.env.LANG ?? "C.UTF-8",
    ...agentEnv,
  };
}
