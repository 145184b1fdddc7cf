import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { liveProcessGroups } from "@rozet/orchestrator";
import { FINISHED_COMMAND_STATUSES } from "@rozet/vocabulary";
import { clientFor, removeHome, startTestServer } from "./harness.ts";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function world() {
  const server = await startTestServer();
  const { api, close } = clientFor(server.url);
  cleanup = async () => {
    await close();
    await server.close();
    removeHome(server.home);
  };
  const session = await api.session.create.mutate({ name: "shell work" });
  const taskStatus = async (id: string) => (await api.task.get.query({ id })).status;
  const settled = (id: string, statuses = ["completed", "failed", "cancelled", "blocked"]) =>
    waitForAsync(async () => {
      const task = await api.task.get.query({ id });
      return statuses.includes(task.status) ? task : undefined;
    }, 20_000, `task ${id} settled`);
  return { server, api, session, taskStatus, settled };
}

describe("shell driver through the API", () => {
  it("runs commands in the workspace, streams output and reports exit codes", async () => {
    const { api, session } = await world();
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
    await api.agent.command.mutate({ agentId: agent.id, text: "echo hello > out.txt && cat out.txt" });
    await api.agent.command.mutate({ agentId: agent.id, text: "echo oops >&2; exit 3" });
    const done = await waitForAsync(async () => {
      const { events } = await api.event.timeline.query({ sessionId: session.id, types: ["tool.finished"] });
      return events.length === 2 ? events : undefined;
    }, 20_000, "two commands");
    expect(done.map((e) => e.status)).toEqual(["ok", "error"]);
    // A command's row is settled after its events are committed (the timeline leads): wait for the rows too.
    const history = await waitForAsync(async () => {
      const rows = await api.agent.commands.query({ agentId: agent.id });
      return rows.every((c) => FINISHED_COMMAND_STATUSES.includes(c.status)) ? rows : undefined;
    }, 20_000, "both commands settled");
    expect(history.map((c) => [c.kind, c.status, c.input.text])).toEqual([
      ["prompt", "failed", "echo oops >&2; exit 3"],
      ["prompt", "completed", "echo hello > out.txt && cat out.txt"],
    ]);
    expect(existsSync(path.join(session.workspaceRoot!, "out.txt"))).toBe(true);
    const output = (await api.event.timeline.query({ sessionId: session.id, types: ["shell.output"] })).events;
    const texts = await Promise.all(output.map((e) => api.event.get.query({ seq: e.seq }).then((full) => JSON.stringify(full.payload))));
    expect(texts.join("")).toContain("hello");
    expect(texts.join("")).toContain("oops");
  });
});

describe("driver settings through the API", () => {
  it("a shell agent takes maxOutputBytes from agent.create (a setting the driver owns) and keeps only that much", async () => {
    const { api, session } = await world();
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: "capped", driver: "shell", config: { maxOutputBytes: 1_000, timeoutMs: 60_000 } });
    expect(agent.config).toMatchObject({ maxOutputBytes: 1_000 });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
    await api.agent.command.mutate({ agentId: agent.id, text: "head -c 5000 /dev/zero | tr '\\0' x" });
    const [finished] = await waitForAsync(async () => {
      const { events } = await api.event.timeline.query({ sessionId: session.id, types: ["tool.finished"] });
      return events.length === 1 ? events : undefined;
    }, 20_000, "command finished");
    const payload = (await api.event.get.query({ seq: finished!.seq })).payload as Record<string, unknown>;
    expect(payload).toMatchObject({ truncated: true, droppedBytes: { stdout: 4_000, stderr: 0 } });
  });

  it("refuses a driver setting of the wrong type, naming the field", async () => {
    const { api, session } = await world();
    const bad = await api.agent.create.mutate({ sessionId: session.id, name: "bad", driver: "acp", config: { profile: "claude", stopGraceMs: -5 } }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ data: { code: "BAD_REQUEST" } });
    expect(JSON.stringify((bad as { data: unknown }).data)).toContain("stopGraceMs");
  });
});

describe("tasks", () => {
  it("start when their dependencies are done, block on a failed dependency, and cancel interrupts the work", async () => {
    const { api, session, settled } = await world();
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: "worker", driver: "shell" });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");

    const first = await api.task.create.mutate({ sessionId: session.id, title: "make a", prompt: "sleep 0.3; echo a > a.txt" });
    const second = await api.task.create.mutate({ sessionId: session.id, title: "copy a", prompt: "cp a.txt b.txt", dependsOn: [first.id] });
    expect([second.status, second.error]).toEqual(["waiting", 'waiting for "make a"']);
    expect(await settled(second.id, ["completed", "failed"])).toMatchObject({ status: "completed", agentId: agent.id, attempts: 1 });
    expect(existsSync(path.join(session.workspaceRoot!, "b.txt"))).toBe(true);
    expect((await api.task.get.query({ id: first.id })).status).toBe("completed");

    const failing = await api.task.create.mutate({ sessionId: session.id, title: "fail", prompt: "exit 7" });
    const dependent = await api.task.create.mutate({ sessionId: session.id, title: "after fail", prompt: "echo never > never.txt", dependsOn: [failing.id] });
    expect(await settled(failing.id)).toMatchObject({ status: "failed" });
    const blocked = await waitForAsync(async () => {
      const task = await api.task.get.query({ id: dependent.id });
      return task.error?.includes("failed") ? task : undefined;
    }, 10_000, "blocked with reason");
    expect(blocked).toMatchObject({ status: "blocked", error: 'dependency "fail" failed' });
    expect(existsSync(path.join(session.workspaceRoot!, "never.txt"))).toBe(false);

    const long = await api.task.create.mutate({ sessionId: session.id, title: "long", prompt: "sleep 30; echo done > long.txt" });
    await waitForAsync(async () => (await api.task.get.query({ id: long.id })).status === "running", 10_000, "running");
    const started = Date.now();
    await api.task.cancel.mutate({ id: long.id });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 5_000, "agent idle after cancel");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await api.task.get.query({ id: long.id })).status).toBe("cancelled");
    const events = (await api.event.timeline.query({ sessionId: session.id, types: ["task.cancelled", "task.blocked", "task.completed", "task.failed"], limit: 50 })).events;
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["task.completed", "task.failed", "task.blocked", "task.cancelled"]));
  });
});

describe("task dependencies further down", () => {
  it("a task behind a running one is waiting (with whom it waits for); a failure's reason reaches two steps down", async () => {
    const { api, session, settled } = await world();
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: "worker", driver: "shell" });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
    const first = await api.task.create.mutate({ sessionId: session.id, title: "first", prompt: "sleep 1; exit 3" });
    const middle = await api.task.create.mutate({ sessionId: session.id, title: "middle", prompt: "echo never > middle.txt", dependsOn: [first.id] });
    const last = await api.task.create.mutate({ sessionId: session.id, title: "last", prompt: "echo never > last.txt", dependsOn: [middle.id] });
    expect([middle.status, middle.error]).toEqual(["waiting", 'waiting for "first"']);
    expect([last.status, last.error]).toEqual(["waiting", 'waiting for "middle"']);
    expect((await api.task.list.query({ sessionId: session.id, status: "waiting" })).map((t) => t.title)).toEqual(["middle", "last"]);

    expect(await settled(first.id)).toMatchObject({ status: "failed" });
    const lastBlocked = await waitForAsync(async () => {
      const task = await api.task.get.query({ id: last.id });
      return task.status === "blocked" ? task : undefined;
    }, 10_000, "last blocked");
    expect(lastBlocked.error).toBe('dependency "middle" blocked: dependency "first" failed');
    expect(await api.task.get.query({ id: middle.id })).toMatchObject({ status: "blocked", error: 'dependency "first" failed' });
    const blockedEvents = (await api.event.timeline.query({ sessionId: session.id, types: ["task.blocked"], limit: 10 })).events;
    expect(blockedEvents.map((e) => e.taskId).sort()).toEqual([middle.id, last.id].sort());
    expect(existsSync(path.join(session.workspaceRoot!, "middle.txt"))).toBe(false);
    expect(existsSync(path.join(session.workspaceRoot!, "last.txt"))).toBe(false);
  });
});

describe("tasks with an agent profile", () => {
  it("start an agent for the task when none is idle", async () => {
    const { api, session, settled } = await world();
    const task = await api.task.create.mutate({ sessionId: session.id, title: "needs an agent", prompt: "echo started-for-me", agentProfile: { driver: "shell" } });
    const done = await settled(task.id, ["completed", "failed"]);
    expect(done).toMatchObject({ status: "completed", result: expect.stringContaining("started-for-me") });
    const agents = await api.agent.list.query({ sessionId: session.id });
    expect(agents).toMatchObject([{ id: done.agentId, driver: "shell", name: `task-${task.id.slice(0, 8)}` }]);
  });
});

describe("tasks go only to agents of their profile", () => {
  it("an idle shell agent does not take a Claude task (a Claude agent is started for it) and takes the shell task", async () => {
    const w = await startAgentWorld({ steps: [{ content: [{ text: "claude-did-it" }] }] });
    cleanup = () => w.close();
    const session = await w.api.session.create.mutate({ name: "profiles" });
    const shell = await w.api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
    await w.agentInStatus(shell.id, "idle");
    const forClaude = await w.api.task.create.mutate({ sessionId: session.id, title: "for claude", prompt: "say claude-did-it", agentProfile: { driver: "claude", config: { env: stubEnv(w.stub.url) } } });
    const forShell = await w.api.task.create.mutate({ sessionId: session.id, title: "for shell", prompt: "echo shell-did-it", agentProfile: { driver: "shell" } });
    const settled = (id: string) =>
      waitForAsync(async () => {
        const task = await w.api.task.get.query({ id });
        return ["completed", "failed", "cancelled", "blocked"].includes(task.status) ? task : undefined;
      }, 60_000, `task ${id} settled`);
    const [claudeDone, shellDone] = await Promise.all([settled(forClaude.id), settled(forShell.id)]);
    expect(shellDone).toMatchObject({ status: "completed", agentId: shell.id, result: expect.stringContaining("shell-did-it") });
    expect(claudeDone).toMatchObject({ status: "completed", result: expect.stringContaining("claude-did-it") });
    const agents = await w.api.agent.list.query({ sessionId: session.id });
    // The shell agent ran only the shell task; no second shell agent was started for it.
    expect(agents.map((a) => [a.name, a.driver])).toEqual([["sh", "shell"], [`task-${forClaude.id.slice(0, 8)}`, "claude"]]);
    expect(claudeDone.agentId).toBe(agents[1]!.id);
    const shellCommands = await w.api.agent.commands.query({ agentId: shell.id });
    expect(shellCommands.map((c) => c.input.text)).toEqual(["echo shell-did-it"]);
  }, 120_000);
});

describe("deleting a session", () => {
  it("stops its agents first: no process of theirs is left and no event lands afterwards", async () => {
    const { api, server, session } = await world();
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: "sleeper", driver: "shell" });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
    await api.agent.command.mutate({ agentId: agent.id, text: "sleep 30" });
    await waitForAsync(async () => liveProcessGroups().length > 0, 10_000, "the command running");
    await api.session.delete.mutate({ id: session.id });
    expect(liveProcessGroups()).toEqual([]);
    const lastSeq = await server.room.events.lastSeq();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.room.writer.flushNow();
    expect(await server.room.events.lastSeq()).toBe(lastSeq);
    expect(await server.room.prisma.session.count({ where: { id: session.id } })).toBe(0);
    expect(await server.room.prisma.session.count({ where: { externalKey: session.id } })).toBe(0);
  });
});

describe("archiving a session", () => {
  it("stops its agents and refuses to resume them", async () => {
    const { api, session } = await world();
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
    await api.session.archive.mutate({ id: session.id });
    expect((await api.agent.get.query({ id: agent.id })).status).toBe("stopped");
    await expect(api.agent.resume.mutate({ id: agent.id })).rejects.toMatchObject({ data: { domainCode: "ILLEGAL_STATE" } });
    await expect(api.agent.command.mutate({ agentId: agent.id, text: "echo" })).rejects.toMatchObject({ data: { domainCode: "ILLEGAL_STATE" } });
  });
});

describe("worktrees", () => {
  it("gives two agents in one git workspace their own worktree and branch", async () => {
    const { api, server } = await world();
    const repo = path.join(server.room.workspacesRoot, "repo");
    mkdirSync(repo, { recursive: true });
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", ...args]);
    git("init", "-q");
    writeFileSync(path.join(repo, "README.md"), "hi\n");
    git("add", ".");
    git("commit", "-qm", "init");
    const session = await api.session.create.mutate({ name: "git", workspace: "repo" });
    const [one, two] = await Promise.all(
      ["one", "two"].map((name) => api.agent.create.mutate({ sessionId: session.id, name, driver: "shell", config: { worktree: true } })),
    );
    for (const agent of [one!, two!]) await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
    const c1 = await api.agent.command.mutate({ agentId: one!.id, text: "echo one > mine.txt && git rev-parse --abbrev-ref HEAD && pwd" });
    const c2 = await api.agent.command.mutate({ agentId: two!.id, text: "cat mine.txt 2>/dev/null || echo absent; git rev-parse --abbrev-ref HEAD && pwd" });
    const results = await Promise.all(
      [c1, c2].map((c) =>
        waitForAsync(async () => {
          const row = await server.room.prisma.command.findUnique({ where: { id: c.id } });
          return row?.status === "completed" ? row : undefined;
        }, 20_000, "command"),
      ),
    );
    expect(results[0]!.result).toMatch(/rozet\/one-/);
    expect(results[1]!.result).toMatch(/absent/);
    expect(results[1]!.result).toMatch(/rozet\/two-/);
    expect(results[0]!.result).not.toEqual(results[1]!.result);
    expect(existsSync(path.join(repo, "mine.txt"))).toBe(false);
  });
});
