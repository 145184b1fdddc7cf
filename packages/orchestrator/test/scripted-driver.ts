import type { AgentDriver, DriverStartInfo, TurnResult } from "../src/runtime/driver.ts";

/** One prompt the runtime gave the scripted driver; the test ends it when it wants to. */
export interface ScriptedTurn {
  text: string;
  done: boolean;
  finish(result: TurnResult): void;
}

/**
 * An `AgentDriver` whose every step the test drives: `start()` does what `onStart` says, each `prompt()` waits
 * until the test calls `finish()` on its turn, `cancel()` ends the running turn as cancelled (as real drivers do).
 * For unit tests of the runtime's state machine, queue, budgets and permissions only: integration tests drive
 * real agents.
 */
export class ScriptedDriver implements AgentDriver {
  readonly turns: ScriptedTurn[] = [];
  cancels = 0;
  stops = 0;
  modes: string[] = [];

  constructor(private readonly onStart: () => Promise<DriverStartInfo> = async () => ({ processId: 4242 })) {}

  start(): Promise<DriverStartInfo> {
    return this.onStart();
  }

  prompt(text: string): Promise<TurnResult> {
    return new Promise((resolve) => {
      const turn: ScriptedTurn = {
        text,
        done: false,
        finish: (result) => {
          if (turn.done) return;
          turn.done = true;
          resolve(result);
        },
      };
      this.turns.push(turn);
    });
  }

  /** The turn still running, if any. */
  get running(): ScriptedTurn | undefined {
    return this.turns.find((turn) => !turn.done);
  }

  async cancel(): Promise<void> {
    this.cancels += 1;
    this.running?.finish({ status: "cancelled" });
  }

  async setMode(mode: string): Promise<void> {
    this.modes.push(mode);
  }

  async stop(): Promise<void> {
    this.stops += 1;
    this.running?.finish({ status: "cancelled" });
  }
}
