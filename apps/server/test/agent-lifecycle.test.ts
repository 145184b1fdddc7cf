import { existsSync, mkdtempSync, renameSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { postJson, serverForFile, waitFor, type TestServer } from "./harness.ts";
import { waitForAsync } from "./agent-harness.ts";

let server: TestServer;
let api: ReturnType<typeof import("./harness.ts").clientFor>["api"];
serverForFile((s, c) => {
  server = s;
  api = c.api;
});

/** Control updates of one agent, collected from control.onUpdate over the WebSocket. */
async function watchAgent() {
  const updates: { id: string; entity: string; status?: string | undefined }[] = [];
  const before = server.room.bus.listenerCount("control");
  const sub = api.control.onUpdate.subscribe({}, { onData: (u) => updates.push(u.data) });
  await waitFor(() => server.room.bus.listenerCount("control") > before, 5_000, "control subscription");
  return { updates, stop: () => sub.unsubscribe() };
}

async function failedWith(agentId: string) {
  return waitForAsync(async () => {
    const agent = await api.agent.get.query({ id: agentId });
    return agent.status === "failed" ? agent : undefined;
  }, 15_000, `agent ${agentId} failed`).catch(async (error: Error) => {
    const agent = await api.agent.get.query({ id: agentId });
    throw new Error(`${error.message} (status ${agent.status}, lastError ${agent.lastError})`);
  });
}

async function statusEvents(sessionId: string, agentId: string) {
  const page = await api.event.timeline.query({ sessionId, agentId, types: ["agent.status"], limit: 100 });
  return page.events;
}

describe("an agent whose start is refused", () => {
  it("fails with the reason when its session (created by hooks) has no workspace; resume retries", async () => {
    const hook = await postJson(`${server.url}/events`, {
      source_app: "hooks-only-app",
      session_id: "claude-1",
      hook_event_type: "SessionStart",
      payload: { hook_event_name: "SessionStart", source: "startup" },
      timestamp: Date.now(),
    });
    expect(hook.status).toBe(200);
    const sessionId = hook.body.results?.[0]?.sessionId ?? hook.body.sessionId;
    expect(typeof sessionId).toBe("string");
    const watch = await watchAgent();

    const agent = await api.agent.create.mutate({ sessionId, name: "sh", driver: "shell" });
    const failed = await failedWith(agent.id);
    expect(failed.lastError).toMatch(/no workspace/);
    await waitFor(() => watch.updates.some((u) => u.entity === "agent" && u.id === agent.id && u.status === "failed"), 5_000, "failed control update");
    // The status event is committed by the event writer, possibly after the control update went out.
    await waitForAsync(async () => (await statusEvents(sessionId, agent.id)).some((e) => e.status === "failed"), 5_000, "failure on the timeline");
    const events = await statusEvents(sessionId, agent.id);
    expect(events.map((e) => e.status)).toContain("failed");
    expect(events.find((e) => e.status === "failed")?.summary).toMatch(/no workspace/);

    // A prompt now says what is wrong and what to do; resume tries again (and fails again, with the reason).
    await expect(api.agent.command.mutate({ agentId: agent.id, text: "echo hi" })).rejects.toThrow(/failed; resume it first/);
    await expect(api.agent.resume.mutate({ id: agent.id })).rejects.toThrow(/no workspace/);
    await waitForAsync(async () => (await statusEvents(sessionId, agent.id)).filter((e) => e.status === "failed").length >= 2, 5_000, "second failure on the timeline");
    expect((await api.agent.get.query({ id: agent.id })).status).toBe("failed");
    watch.stop();
  });

  it("fails with the reason when its workspace folder was swapped for a symlink out of the sandbox; resume after the fix starts it", async () => {
    const session = await api.session.create.mutate({ name: "swapped" });
    const workspace = session.workspaceRoot!;
    const outside = mkdtempSync(path.join(os.tmpdir(), "rozet-outside-"));
    const aside = `${workspace}.real`;
    renameSync(workspace, aside);
    symlinkSync(outside, workspace);
    try {
      const watch = await watchAgent();
      const agent = await api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
      const failed = await failedWith(agent.id);
      expect(failed.lastError).toMatch(/outside the workspaces root/);
      await waitFor(() => watch.updates.some((u) => u.entity === "agent" && u.id === agent.id && u.status === "failed"), 5_000, "failed control update");
      await waitForAsync(
        async () => (await statusEvents(session.id, agent.id)).some((e) => e.status === "failed" && /outside the workspaces root/.test(e.summary ?? "")),
        5_000,
        "failure with its reason on the timeline",
      );
      watch.stop();

      // Put the real folder back: resume retries and the agent runs.
      rmSync(workspace);
      renameSync(aside, workspace);
      const resumed = await api.agent.resume.mutate({ id: agent.id });
      expect(resumed.status).toBe("idle");
      expect(resumed.lastError).toBeNull();
    } finally {
      rmSync(outside, { recursive: true, force: true });
      if (existsSync(aside)) {
        rmSync(workspace, { force: true });
        renameSync(aside, workspace);
      }
    }
  });
});
