import { startModelStub, type ModelStub, type RecordedRequest, type ScenarioInput } from "@rozet/model-stub";
import { createAcpDriver } from "../src/drivers/acp/index.ts";
import type { AcpConfig } from "../src/drivers/acp/profiles.ts";
import type { AgentDriver, TurnResult } from "../src/runtime/driver.ts";
import { tempDirs, type RecordingHost } from "../src/drivers/acp/testing.ts";

export interface RealAgentLaunch {
  /** Temp dir prefix, e.g. "acp-gemini". */
  name: string;
  config: AcpConfig;
  model: string;
  scenario: ScenarioInput;
  host: RecordingHost;
  /** The agent's environment, given the stub's URL. */
  env(stubUrl: string): Record<string, string>;
}

/** What a test of a real ACP agent starts (temp dirs, model stubs, drivers), and one release for its afterEach. */
export function realAgentResources() {
  const dirs = tempDirs();
  const stubs: ModelStub[] = [];
  const drivers: AgentDriver[] = [];
  return {
    dirs,
    stubs,
    drivers,
    /** A model stub and a driver for the agent (not started), in a temp workspace with a temp data dir and HOME. */
    launch: async (options: RealAgentLaunch) => {
      const stub = await startModelStub({ scenario: options.scenario });
      stubs.push(stub);
      const cwd = await dirs.make(`${options.name}-ws-`);
      const dataDir = await dirs.make(`${options.name}-data-`);
      const home = await dirs.make(`${options.name}-home-`);
      const driver = createAcpDriver({
        agentId: "agent-1",
        sessionId: "session-1",
        cwd,
        model: options.model,
        config: options.config,
        env: { HOME: home, ...options.env(stub.url) },
        dataDir,
        host: options.host,
      });
      drivers.push(driver);
      return { stub, cwd, dataDir, home, driver };
    },
    release: async (): Promise<void> => {
      await Promise.all(drivers.splice(0).map((driver) => driver.stop()));
      await Promise.all(stubs.splice(0).map((stub) => stub.close()));
      await dirs.cleanup();
    },
  };
}

/** A scenario whose first answer streams for ~10 s (interrupt tests), then a short one. Varied text: Gemini CLI ends a turn whose text repeats itself. */
export const slowThenShort: ScenarioInput = {
  steps: [
    {
      delayMs: 100,
      chunkDelayMs: 500,
      content: [{ text: ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima"].map((word, i) => `Part ${i + 1} talks about ${word} at some length.`).join(" ") }],
    },
    { content: [{ text: "After the cancel." }] },
  ],
};

/** Prompts, waits until the model call is streaming, cancels; the turn's result and how long the cancel took. */
export async function cancelMidTurn(driver: AgentDriver, stub: ModelStub, isModelCall: (request: RecordedRequest) => boolean): Promise<{ result: TurnResult; cancelMs: number }> {
  const turn = driver.prompt("talk slowly");
  while (!stub.requests.some(isModelCall)) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 800));
  const at = Date.now();
  await driver.cancel();
  const result = await turn;
  return { result, cancelMs: Date.now() - at };
}
