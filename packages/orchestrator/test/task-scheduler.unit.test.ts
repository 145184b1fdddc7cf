import { afterEach, describe, expect, it } from "vitest";
import { agentDto } from "../src/dto.ts";
import type { QueuedPrompt } from "../src/runtime/agent-runtime.ts";
import type { AgentStatus } from "../src/runtime/lifecycle.ts";
import { TaskScheduler, type AgentProfile, type SchedulableAgent } from "../src/runtime/task-scheduler.ts";
import { createTask } from "../src/tasks.ts";
import { openUnitStores, seedAgent, seedSession, timeline, waitFor, type UnitStores } from "./unit-harness.ts";

/** An agent as the scheduler sees it (its directory's view): a status and a queue the test reads. */
class DirectoryAgent implements SchedulableAgent {
  readonly prompts: QueuedPrompt[] = [];
  constructor(
    readonly agentId: string,
    readonly sessionId: string,
    public status: AgentStatus = "idle",
  ) {}
  enqueue(prompt: QueuedPrompt): void {
    this.prompts.push(prompt);
    this.status = "busy";
  }
}

describe("TaskScheduler (unit: real SQLite, an agent directory of its own)", () => {
  let stores: UnitStores;
  afterEach(async () => {
    await stores.close();
  });

  async function schedulerFor() {
    stores = await openUnitStores();
    const session = await seedSession(stores);
    const agents: DirectoryAgent[] = [];
    const profiles: AgentProfile[] = [];
    const scheduler = new TaskScheduler({
      ...stores,
      agents: {
        find: (agentId) => agents.find((a) => a.agentId === agentId),
        idleIn: (sessionId) => agents.filter((a) => a.sessionId === sessionId && a.status === "idle" && a.prompts.length === 0),
      },
      startAgent: async (profile) => {
        profiles.push(profile);
        return agentDto(await seedAgent(stores, profile.sessionId, { name: profile.name, driver: profile.driver }));
      },
    });
    const addAgent = async (status: AgentStatus = "idle") => {
      const row = await seedAgent(stores, session.id, { status });
      const agent = new DirectoryAgent(row.id, session.id, status);
      agents.push(agent);
      return agent;
    };
    const task = (title: string, extra: { dependsOn?: string[]; agentId?: string; agentProfile?: Omit<AgentProfile, "sessionId" | "name"> } = {}) =>
      createTask({ ...stores, tasks: scheduler }, { sessionId: session.id, title, prompt: `do ${title}`, dependsOn: extra.dependsOn ?? [], agentId: extra.agentId, agentProfile: extra.agentProfile });
    const row = (id: string) => stores.prisma.task.findUniqueOrThrow({ where: { id } });
    /** What the runtime does when a turn ends: the command settles, the agent is idle again, the scheduler hears both. */
    const finishTurn = (agent: DirectoryAgent, status: "completed" | "failed" | "cancelled", detail?: string) => {
      const prompt = agent.prompts.shift()!;
      agent.status = "idle";
      scheduler.commandFinished(prompt.commandId, prompt.taskId, status, detail);
      return prompt;
    };
    return { scheduler, session, addAgent, task, row, finishTurn, profiles };
  }

  it("a task waits for its dependency (saying for whom), then goes to an idle agent once the dependency completed", async () => {
    const { addAgent, task, row, finishTurn } = await schedulerFor();
    const agent = await addAgent();
    const first = await task("build");
    expect(first).toMatchObject({ status: "queued", agentId: agent.agentId, attempts: 1 });
    expect(agent.prompts).toEqual([expect.objectContaining({ text: "do build", taskId: first.id })]);
    const command = await stores.prisma.command.findUniqueOrThrow({ where: { id: agent.prompts[0]!.commandId } });
    expect(command).toMatchObject({ status: "accepted", kind: "prompt", taskId: first.id });

    const second = await task("test", { dependsOn: [first.id] });
    expect(second).toMatchObject({ status: "waiting", error: 'waiting for "build"' });

    finishTurn(agent, "completed", "built");
    await waitFor(() => agent.prompts.length === 1, "dependent handed to the agent");
    expect((await row(second.id)).status).toBe("queued");
    expect(await row(first.id)).toMatchObject({ status: "completed", result: "built", error: null });
    expect(agent.prompts.map((p) => p.taskId)).toEqual([second.id]);
    const types = (await timeline(stores, first.sessionId)).map((e) => e.type);
    expect(types.filter((t) => t.startsWith("task."))).toEqual(["task.created", "task.assigned", "task.created", "task.completed", "task.assigned"]);
  });

  it("a task's finish is on the timeline before its row says so (a client that waits for the status finds the event)", async () => {
    const { addAgent, task, row, finishTurn } = await schedulerFor();
    const agent = await addAgent();
    const first = await task("build");
    // Hold the commit that carries task.completed, and look at the row meanwhile.
    const store = stores.database.events;
    const append = store.appendBatch.bind(store);
    let reached!: () => void;
    const atTheCommit = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    store.appendBatch = async (events, encoded) => {
      if (events.some((e) => e.type === "task.completed")) {
        reached();
        await released;
      }
      return append(events, encoded);
    };
    finishTurn(agent, "completed", "built");
    await atTheCommit;
    // Other work may go on meanwhile; the row must not say completed while its event is not committed.
    await new Promise((resolve) => setImmediate(resolve));
    expect((await row(first.id)).status).not.toBe("completed");
    release();
    await waitFor(async () => (await row(first.id)).status === "completed", "completed after its event");
    expect((await timeline(stores, first.sessionId)).map((e) => e.type)).toContain("task.completed");
  });

  it("a failed dependency blocks its dependents, the reason carried two steps down, each on the timeline", async () => {
    const { addAgent, task, row, finishTurn, session, scheduler } = await schedulerFor();
    const agent = await addAgent();
    const a = await task("fetch");
    const b = await task("parse", { dependsOn: [a.id] });
    const c = await task("report", { dependsOn: [b.id] });
    expect((await row(c.id)).status).toBe("waiting");
    finishTurn(agent, "failed", "network down");
    await waitFor(async () => (await row(c.id)).status === "blocked", "blocked two steps down");
    expect(await row(a.id)).toMatchObject({ status: "failed", error: "network down" });
    expect(await row(b.id)).toMatchObject({ status: "blocked", error: 'dependency "fetch" failed' });
    expect(await row(c.id)).toMatchObject({ status: "blocked", error: 'dependency "parse" blocked: dependency "fetch" failed' });
    const blocked = (await timeline(stores, session.id)).filter((e) => e.type === "task.blocked");
    expect(blocked.map((e) => e.summary)).toEqual(['parse: dependency "fetch" failed', 'report: dependency "parse" blocked: dependency "fetch" failed']);
    expect(agent.prompts).toEqual([]);
    // Another pass changes nothing (no duplicate events for the same reason).
    await scheduler.schedule(session.id);
    expect((await timeline(stores, session.id)).filter((e) => e.type === "task.blocked")).toHaveLength(2);
  });

  it("nobody idle: the task stays pending with the reason, and is assigned when an agent becomes idle", async () => {
    const { addAgent, task, row, scheduler, session } = await schedulerFor();
    const busy = await addAgent("busy");
    const waiting = await task("lint");
    expect(waiting).toMatchObject({ status: "pending", error: "waiting for an idle agent" });
    busy.status = "idle";
    scheduler.agentIdle(session.id);
    await waitFor(() => busy.prompts.length === 1, "assigned once idle");
    expect((await row(waiting.id)).status).toBe("queued");
    expect(busy.prompts.map((p) => p.taskId)).toEqual([waiting.id]);
  });

  it("a task for a named agent that is not running waits for that agent, not any other", async () => {
    const { addAgent, task, row, scheduler, session } = await schedulerFor();
    const named = await addAgent("starting");
    const other = await addAgent("idle");
    const pinned = await task("deploy", { agentId: named.agentId });
    expect(pinned).toMatchObject({ status: "pending", error: "waiting for its agent to be running" });
    expect(other.prompts).toEqual([]);
    named.status = "idle";
    await scheduler.schedule(session.id);
    expect(await row(pinned.id)).toMatchObject({ status: "queued", agentId: named.agentId });
  });

  it("nobody idle and an agent profile: an agent is started from the profile and the task waits for it", async () => {
    const { task, profiles, session } = await schedulerFor();
    const created = await task("migrate", { agentProfile: { driver: "shell", config: { timeoutMs: 1_000 } } });
    expect(profiles).toEqual([{ sessionId: session.id, name: `task-${created.id.slice(0, 8)}`, driver: "shell", config: { timeoutMs: 1_000 } }]);
    const agent = await stores.prisma.agent.findFirstOrThrow({ where: { sessionId: session.id } });
    expect(created).toMatchObject({ status: "pending", agentId: agent.id, error: "waiting for its agent to be running" });
    expect((await timeline(stores, session.id)).filter((e) => e.type === "task.agent_started")).toEqual([expect.objectContaining({ agentId: agent.id })]);
  });

  it("the task follows its command: running when it starts, cancelled with the reason when the command is", async () => {
    const { addAgent, task, row, scheduler, finishTurn, session } = await schedulerFor();
    const agent = await addAgent();
    const t = await task("watch");
    await scheduler.taskTurnStarting({ taskId: t.id, agentId: agent.agentId, text: "do watch", workspace: null });
    expect((await row(t.id)).status).toBe("running");
    expect(stores.published).toContainEqual(expect.objectContaining({ entity: "task", id: t.id, action: "updated", status: "running" }));
    finishTurn(agent, "cancelled", "interrupted by the operator");
    await waitFor(async () => (await row(t.id)).status === "cancelled", "task cancelled");
    expect(await row(t.id)).toMatchObject({ error: "interrupted by the operator", result: null });
    await waitFor(async () => (await timeline(stores, session.id)).some((e) => e.type === "task.cancelled"), "on the timeline");
  });
});
