import { DomainError } from "@rozet/vocabulary";
import type { AgentDriver, DriverContext, DriverFactory } from "../runtime/driver.ts";

/**
 * A driver whose module loads on first start: the Agent SDK and the ACP SDK are large, and a control room that
 * only ingests hook events should not pay their memory.
 */
export function lazyDriver(load: () => Promise<DriverFactory>): DriverFactory {
  return (context: DriverContext): AgentDriver => {
    let driver: AgentDriver | null = null;
    const loaded = () => {
      if (!driver) throw new Error("driver used before start()");
      return driver;
    };
    return {
      async start() {
        driver = (await load())(context);
        return driver.start();
      },
      prompt: (text) => loaded().prompt(text),
      cancel: async () => driver?.cancel(),
      setMode: async (mode) => {
        const current = loaded();
        if (!current.setMode) throw new DomainError("INVALID_INPUT", "this agent's driver has no permission modes", { field: "mode" });
        await current.setMode(mode);
      },
      stop: async () => driver?.stop(),
    };
  };
}
