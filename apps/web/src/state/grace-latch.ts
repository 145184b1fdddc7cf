/**
 * A condition that must hold for a while before it is reported: "the server is unreachable" only after the
 * socket has been down for the grace period, so a quick reconnect does not flash a banner. It is cleared at once.
 */

export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface GraceLatch {
  /** The condition now (true = it holds); reported after the grace, or cleared at once. */
  update(holds: boolean): void;
  /** Whether it has been reported (and not cleared since). */
  reported(): boolean;
  dispose(): void;
}

export function createGraceLatch(graceMs: number, onChange: (reported: boolean) => void, timers: Timers = realTimers): GraceLatch {
  let timer: unknown = null;
  let reported = false;
  const cancel = () => {
    if (timer !== null) timers.clear(timer);
    timer = null;
  };
  return {
    update(holds) {
      if (!holds) {
        cancel();
        if (reported) {
          reported = false;
          onChange(false);
        }
        return;
      }
      if (reported || timer !== null) return;
      timer = timers.set(() => {
        timer = null;
        reported = true;
        onChange(true);
      }, graceMs);
    },
    reported: () => reported,
    dispose: cancel,
  };
}
