/**
 * The logger the domain writes to (pino's call shape; the server injects its pino instance). The domain never
 * calls console.* itself.
 */
export interface Logger {
  error(context: Record<string, unknown>, message: string): void;
  warn(context: Record<string, unknown>, message: string): void;
  info(context: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything (tests and tools that do not care). */
export const silentLogger: Logger = { error() {}, warn() {}, info() {} };

/** Runs work nobody awaits, given to `background()`. */
export type BackgroundRunner = (label: string, work: () => Promise<unknown>, onError?: (error: unknown) => void | Promise<void>) => void;

/**
 * Starts work nobody awaits without ever leaving a floating promise: a rejection is logged with its label through
 * the injected logger, then `onError` runs (e.g. to mark an agent failed with the reason); a failure of `onError`
 * itself is logged too. Nothing reaches the process's unhandledRejection.
 */
export function background(log: Logger, label: string, work: () => Promise<unknown>, onError?: (error: unknown) => void | Promise<void>): void {
  const report = (error: unknown, stage: string) => log.error({ err: error, task: label }, `${label}: ${stage}`);
  let started: Promise<unknown>;
  try {
    started = work();
  } catch (error) {
    started = Promise.reject(error);
  }
  started.then(undefined, async (error: unknown) => {
    report(error, "failed");
    if (!onError) return;
    try {
      await onError(error);
    } catch (secondary) {
      report(secondary, "failure handler failed");
    }
  });
}

/** `background()` bound to one logger: what services take as a dependency. */
export function backgroundRunner(log: Logger): BackgroundRunner {
  return (label, work, onError) => background(log, label, work, onError);
}

/** The message of anything thrown (Error or not), for reasons shown to operators. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
