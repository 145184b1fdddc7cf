import pino from "pino";

export function createLogger(quiet: boolean) {
  return pino({ level: quiet ? "warn" : (process.env.ROZET_LOG_LEVEL ?? "info"), base: undefined });
}

export type Logger = ReturnType<typeof createLogger>;
