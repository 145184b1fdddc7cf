import type { ModelStub } from "@rozet/model-stub";
import type { AgentDriver } from "../src/runtime/driver.ts";
import { tempDirs } from "../src/drivers/acp/testing.ts";

/** What a test of a real ACP agent starts (temp dirs, model stubs, drivers), and one release for its afterEach. */
export function realAgentResources() {
  const dirs = tempDirs();
  const stubs: ModelStub[] = [];
  const drivers: AgentDriver[] = [];
  return {
    dirs,
    stubs,
    drivers,
    release: async (): Promise<void> => {
      await Promise.all(drivers.splice(0).map((driver) => driver.stop()));
      await Promise.all(stubs.splice(0).map((stub) => stub.close()));
      await dirs.cleanup();
    },
  };
}
