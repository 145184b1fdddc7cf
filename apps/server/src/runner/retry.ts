/**
 * Runs `send` until it succeeds; a failure `retryable` accepts is sent again after a wait that doubles from
 * `firstDelayMs` (at most 5 s), up to `attempts` sends in all. The last failure is thrown.
 */
export async function sendWithRetries<T>(send: () => Promise<T>, options: { attempts: number; firstDelayMs: number; retryable: (error: unknown) => boolean }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.firstDelayMs * 2 ** (attempt - 1), 5_000)));
    }
  }
}

/** A 503 from the control room: nothing was done (e.g. the replica driving the agent did not take the call in time). */
export function nothingWasDone(error: unknown): boolean {
  return (error as { data?: { domainCode?: string } } | null)?.data?.domainCode === "UNAVAILABLE";
}
