import { createRozetClient } from "@rozet/api/client";
import { startModelStub, submitPlanStep, type ScenarioInput } from "@rozet/model-stub";
import type { ServerConfigInput } from "../config.ts";
import { startServer } from "../server.ts";

const PLANNER = { lastUserTextIncludes: "You are the planner" };
const GREETER = { lastUserTextIncludes: "Write greet.sh" };
const CHECK_LINE = "sh greet.sh > SUMMARY.txt && cat NOTES.md >> SUMMARY.txt";
const CHECKER = { lastUserTextIncludes: CHECK_LINE };

/** The planner proposes three tasks (a Claude agent and two shell agents, one dependency chain); the Claude task writes a file. */
const scenario: ScenarioInput = {
  name: "rozet-plan-demo",
  steps: [
    submitPlanStep(
      [
        { key: "greet", title: "Write the greeting script", prompt: "Write greet.sh: a shell script that prints hello from the plan", dependsOn: [], agentProfile: { driver: "claude" }, touches: ["greet.sh"] },
        { key: "notes", title: "Start the notes", prompt: "printf '# Notes\\n\\nPlanned by a Rozet planner.\\n' > NOTES.md", dependsOn: [], agentProfile: { driver: "shell" }, touches: ["NOTES.md"] },
        { key: "check", title: "Run it and summarise", prompt: CHECK_LINE, dependsOn: ["greet", "notes"], agentProfile: { driver: "shell" }, touches: ["SUMMARY.txt"] },
      ],
      { match: PLANNER, chunkDelayMs: 80 },
    ),
    { match: PLANNER, content: [{ text: "Three tasks: the script and the notes in parallel, then the check." }] },
    { match: GREETER, content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/greet.sh", content: "#!/bin/sh\necho hello from the plan\n" } } }], chunkDelayMs: 80 },
    { match: GREETER, content: [{ text: "greet.sh is written." }], usage: { input_tokens: 900, output_tokens: 40 } },
    // The check goes to whichever agent is idle first: a shell agent runs the line, Claude runs it with Bash.
    { match: CHECKER, content: [{ tool_use: { name: "Bash", input: { command: CHECK_LINE } } }] },
    { match: CHECKER, content: [{ text: "SUMMARY.txt has the greeting and the notes." }] },
  ],
};

/**
 * `rozet demo --plan`: a goal becomes a plan (a real read-only Claude planner through the model stub), approved at
 * once (the session has autoApprovePlans), carried out by a Claude agent and shell agents, with the dependent task
 * handed its dependencies' work and the result in the workspace.
 */
export async function runPlanDemo(config: ServerConfigInput) {
  const stub = await startModelStub({ scenario });
  const stubEnv = { ANTHROPIC_BASE_URL: stub.url, ANTHROPIC_API_KEY: "demo-stub", IS_SANDBOX: "1", DISABLE_TELEMETRY: "1" };
  const server = await startServer({ ...config, agentEnv: { ...stubEnv } });
  const { api, close } = createRozetClient({ url: server.url, token: server.config.token ?? undefined });
  const session = await api.session.create.mutate({ name: `Plan demo ${new Date().toLocaleTimeString()}`, autoApprovePlans: true });
  await api.permission.addRule.mutate({ sessionId: session.id, tool: "Write", pattern: `${session.workspaceRoot}/*`, action: "allow" });
  await api.permission.addRule.mutate({ sessionId: session.id, tool: "Bash", pattern: "sh greet.sh*", action: "allow" });
  const plan = await api.plan.create.mutate({ sessionId: session.id, goal: "A greeting script, notes, and a summary that runs the script", budgetUsd: 1 });
  await close();
  return {
    server,
    planId: plan.id,
    sessionUrl: `${server.url}/sessions/${session.id}`,
    async close() {
      await server.close();
      await stub.close();
    },
  };
}
