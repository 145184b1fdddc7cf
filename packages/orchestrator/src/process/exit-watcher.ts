import type { ChildProcess } from "node:child_process";
import { describeExit, type ProcessExit } from "./exit.ts";

export interface ExitWatcher {
  /** Call before stopping the process on purpose, so that exit is not reported as a crash. */
  expectExit(): void;
  dispose(): void;
}

/**
 * Reports an exit nobody asked for (crash, OOM kill, `kill -9` from outside) so a driver can call
 * `host.exited(reason)`. Exits after `expectExit()` are the driver's own doing and stay quiet.
 */
export function watchUnexpectedExit(
  child: ChildProcess,
  onUnexpectedExit: (reason: string, exit: ProcessExit) => void,
): ExitWatcher {
  let expected = false;
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
    if (expected) return;
    const exit = { code, signal };
    onUnexpectedExit(`agent process ${describeExit(exit)}`, exit);
  };
  child.once("exit", onExit);
  return {
    expectExit: () => {
      expected = true;
    },
    dispose: () => {
      child.off("exit", onExit);
    },
  };
}
