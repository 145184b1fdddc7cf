import { startModelStub } from "@rozet/model-stub";
import { describe, expect, it } from "vitest";
import { stubEnv, waitForAsync } from "./agent-harness.ts";
import { clientFor, removeHome, tempHome } from "./harness.ts";
import { descendantsOf, isRunning, processGroupOf, startServerProcess, stopServerProcess, type ServerProcess } from "./server-process.ts";

const LONG_SLEEP = "sleep 300";
/** Claude Code refuses a Bash `sleep 300` ("use Monitor"); a tail that never ends is just as long. */
const ENDLESS_TAIL = "tail -f /dev/null";
const isLongRunner = (cmdline: string) => cmdline.endsWith(LONG_SLEEP) || cmdline.endsWith(ENDLESS_TAIL);

describe("kill -9 of the server with busy agents", () => {
  it("leaves their processes running until the next start kills them, and the agents are lost and resumable", { timeout: 240_000 }, async () => {
    const stub = await startModelStub({
      scenario: {
        steps: [
          { match: { lastUserTextIncludes: "sleep" }, content: [{ text: "Sleeping." }, { tool_use: { name: "Bash", input: { command: ENDLESS_TAIL, description: "wait forever" } } }] },
        ],
        fallback: { content: [{ text: "back" }] },
      },
    });
    const home = tempHome();
    let first: ServerProcess | undefined;
    let second: ServerProcess | undefined;
    let sleepers: number[] = [];
    // Every process group seen under the first server, killed at the end whatever happened.
    const groups = new Set<number>();
    const ownGroup = processGroupOf(process.pid);
    try {
      first = await startServerProcess(home);
      const client = clientFor(first.url);
      const { api } = client;
      const session = await api.session.create.mutate({ name: "crash" });
      await api.permission.addRule.mutate({ sessionId: session.id, tool: "Bash", action: "allow" });
      const isStatus = (id: string, status: string) => async () => (await api.agent.get.query({ id })).status === status;

      // Its own session (workspace): agents sharing one take turns, and both must be busy at once.
      const shellSession = await api.session.create.mutate({ name: "crash-shell" });
      const shell = await api.agent.create.mutate({ sessionId: shellSession.id, name: "sh", driver: "shell" });
      await waitForAsync(isStatus(shell.id, "idle"), 30_000, "shell idle");
      await api.agent.command.mutate({ agentId: shell.id, text: `${LONG_SLEEP} & ${LONG_SLEEP}; wait` });

      const claude = await api.agent.create.mutate({ sessionId: session.id, name: "claude", driver: "claude", config: { env: stubEnv(stub.url) } });
      await waitForAsync(isStatus(claude.id, "idle"), 60_000, "claude idle");
      await api.agent.command.mutate({ agentId: claude.id, text: "please sleep" });

      // An idle codex-acp agent: codex-acp ignores stdin EOF, so it outlives the server too.
      const codex = await api.agent.create.mutate({
        sessionId: shellSession.id,
        name: "codex",
        driver: "acp",
        model: "gpt-5",
        config: { profile: "codex", env: { OPENAI_API_KEY: "sk-stub", OPENAI_BASE_URL: `${stub.url}/v1` } },
      });
      await waitForAsync(isStatus(codex.id, "idle"), 60_000, "codex idle");
      const codexPid = (await api.agent.get.query({ id: codex.id })).processId!;
      expect(isRunning(codexPid)).toBe(true);
      groups.add(codexPid); // it leads its own group

      // Two sleeps from the shell command, the tail from Claude's Bash tool: all descendants of the server process.
      const serverPid = first.pid;
      let seen: string[] = [];
      sleepers = await waitForAsync(async () => {
        const tree = descendantsOf(serverPid);
        seen = tree.map((p) => p.cmdline.slice(0, 120));
        // Agents lead their own groups; never the group this test runs in.
        for (const p of tree) if (isLongRunner(p.cmdline) && p.pgid !== ownGroup) groups.add(p.pgid);
        const found = tree.filter((p) => isLongRunner(p.cmdline));
        return found.length >= 3 ? found.map((p) => p.pid) : undefined;
      }, 30_000, "three long-running processes under the server").catch(async (error: Error) => {
        const events = (await api.event.timeline.query({ sessionId: session.id, limit: 200 })).events;
        throw new Error(`${error.message}; processes under the server: ${JSON.stringify(seen)}; ${JSON.stringify(events.map((e) => [e.type, e.summary]))}; stub: ${JSON.stringify(stub.requests.map((r) => [r.path, r.step, r.lastUserText?.slice(0, 80)]))}`);
      });
      await client.close();

      first.child.kill("SIGKILL");
      await first.exited;
      // Nothing stopped them: without recovery they would run for five minutes under init.
      expect(sleepers.filter(isRunning)).toEqual(sleepers);
      expect(isRunning(codexPid)).toBe(true);

      second = await startServerProcess(home);
      // recover() runs before the server listens, so they are gone by the time it answers.
      expect(sleepers.filter(isRunning)).toEqual([]);
      expect(isRunning(codexPid)).toBe(false);
      const after = clientFor(second.url);
      try {
        for (const agent of [shell, claude]) {
          expect(await after.api.agent.get.query({ id: agent.id })).toMatchObject({ status: "lost", lastError: "server restarted while the agent was busy" });
        }
        expect(await after.api.agent.get.query({ id: codex.id })).toMatchObject({ status: "lost", lastError: "server restarted while the agent was idle" });
        const resumed = await after.api.agent.resume.mutate({ id: shell.id });
        expect(resumed.status).toBe("idle");
        const resumedClaude = await after.api.agent.resume.mutate({ id: claude.id });
        expect(resumedClaude.status).toBe("idle");
      } finally {
        await after.close();
      }
    } finally {
      if (first) first.child.kill("SIGKILL");
      if (second) await stopServerProcess(second);
      for (const pgid of groups) {
        try {
          process.kill(-pgid, "SIGKILL");
        } catch {
          // gone, as it should be
        }
      }
      await stub.close();
      removeHome(home);
    }
  });
});
