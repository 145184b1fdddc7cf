/** The runner label an agent asked for (stored in its config as `runnerLabel`), or null: it runs on the server. */
export function runnerLabelOf(config: Record<string, unknown>): string | null {
  return typeof config.runnerLabel === "string" ? config.runnerLabel : null;
}
