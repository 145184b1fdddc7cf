import { fileURLToPath } from "node:url";
import { createRozetClient } from "@rozet/api/client";
import { startModelStub } from "@rozet/model-stub";
import type { ServerConfigInput } from "../config.ts";
import { startServer } from "../server.ts";

const SCENARIO = fileURLToPath(new URL("./demo-scenario.json", import.meta.url));

/**
 * `rozet demo`: the model stub plus the control room, with a demo session whose two Claude agents do real work
 * (real Claude Code, real tools) in a scratch workspace. One Bash call is left for the operator to approve.
 */
export async function runDemo(config: ServerConfigInput) {
  const stub = await startModelStub({ scenario: SCENARIO });
  const stubEnv = { ANTHROPIC_BASE_URL: stub.url, ANTHROPIC_API_KEY: "demo-stub", IS_SANDBOX: "1", DISABLE_TELEMETRY: "1" };
  const server = await startServer({ ...config, agentEnv: { ...stubEnv } });
  const { api, close } = createRozetClient({ url: server.url, token: server.config.token ?? undefined });
  const session = await api.session.create.mutate({ name: `Demo ${new Date().toLocaleTimeString()}` });
  // Edits inside the workspace are allowed by rule; everything else (Bash) asks the operator.
  await api.permission.addRule.mutate({ sessionId: session.id, tool: "Write", pattern: `${session.workspaceRoot}/*`, action: "allow" });
  await api.permission.addRule.mutate({ sessionId: session.id, tool: "Edit", pattern: `${session.workspaceRoot}/*`, action: "allow" });
  await api.permission.addRule.mutate({ sessionId: session.id, tool: "Bash", pattern: "ls *", action: "allow" });
  const writer = await api.agent.create.mutate({ sessionId: session.id, name: "docs-writer", driver: "claude" });
  const scripter = await api.agent.create.mutate({ sessionId: session.id, name: "scripter", driver: "claude" });
  const readme = await api.task.create.mutate({ sessionId: session.id, title: "Write the README", prompt: "Write a README for this project", agentId: writer.id });
  await api.task.create.mutate({ sessionId: session.id, title: "Add a script", prompt: "Add a hello script and run it", agentId: scripter.id, dependsOn: [readme.id] });
  await close();
  return {
    server,
    sessionUrl: `${server.url}/sessions/${session.id}`,
    async close() {
      await server.close();
      await stub.close();
    },
  };
}
