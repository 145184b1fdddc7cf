import { startModelStub, type ScenarioInput } from "@rozet/model-stub";
import { clientFor, removeHome, startTestServer } from "./harness.ts";

/** The environment that points Claude Code at the model stub, offline (one definition, shared with the benches). */
export { claudeCodeEnv as stubEnv } from "@rozet/model-stub";

/** A started server + model stub + typed client, torn down together. */
export async function startAgentWorld(scenario: ScenarioInput, overrides: Parameters<typeof startTestServer>[0] = {}) {
  const stub = await startModelStub({ scenario });
  const server = await startTestServer({ permissionTimeoutMs: 30_000, ...overrides });
  const client = clientFor(server.url);
  const api = client.api;
  return {
    stub,
    server,
    api,
    async close() {
      await client.close();
      await server.close();
      await stub.close();
      removeHome(server.home);
    },
    async agentInStatus(agentId: string, status: string, timeoutMs = 30_000) {
      let last = "";
      await waitForAsync(
        async () => {
          const agent = await api.agent.get.query({ id: agentId });
          last = `${agent.status} ${agent.lastError ?? ""}`;
          return agent.status === status;
        },
        timeoutMs,
        `agent ${status}`,
      ).catch((error: Error) => {
        throw new Error(`${error.message} (last: ${last})`);
      });
    },
    async commandDone(commandId: string, timeoutMs = 60_000) {
      return waitForAsync(async () => {
        const commands = await server.room.prisma.command.findUnique({ where: { id: commandId } });
        return commands && ["completed", "failed", "cancelled"].includes(commands.status) ? commands : undefined;
      }, timeoutMs, `command ${commandId} done`);
    },
    async pendingPermission(sessionId: string, timeoutMs = 30_000) {
      return waitForAsync(async () => (await api.permission.list.query({ sessionId, status: "pending", limit: 10 }))[0], timeoutMs, "a pending permission request");
    },
    async timeline(sessionId: string) {
      return (await api.event.timeline.query({ sessionId, limit: 500 })).events;
    },
  };
}

export async function waitForAsync<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, label: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
