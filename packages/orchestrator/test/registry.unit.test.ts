import { afterEach, describe, expect, it } from "vitest";
import { createCommand } from "../src/runtime/commands.ts";
import { prepareAgentWorkspace } from "../src/runtime/agent-workspace.ts";
import type { DriverContext, DriverFactory } from "../src/runtime/driver.ts";
import { PermissionBroker } from "../src/runtime/permission-broker.ts";
import { AgentRegistry, type AgentTaskCallbacks } from "../src/runtime/registry.ts";
import { ScriptedDriver } from "./scripted-driver.ts";
import { openUnitStores, seedAgent, seedSession, timeline, waitFor, type UnitStores } from "./unit-harness.ts";

describe("AgentRegistry (unit: real SQLite, scripted drivers)", () => {
  let stores: UnitStores;
  afterEach(async () => {
    await stores.close();
  });

  async function registryFor(drivers: Record<string, DriverFactory>) {
    stores = await openUnitStores();
    const broker = new PermissionBroker({ ...stores, timeoutMs: 5_000 });
    const heard: { idle: string[]; finished: string[]; started: string[] } = { idle: [], finished: [], started: [] };
    const tasks: AgentTaskCallbacks = {
      taskTurnStarting: async (turn) => {
        heard.started.push(turn.taskId);
        return { text: turn.text };
      },
      taskTurnEnded: async () => undefined,
      commandFinished: (commandId) => void heard.finished.push(commandId),
      agentIdle: (sessionId) => void heard.idle.push(sessionId),
      taskRequeued: () => undefined,
    };
    const registry = new AgentRegistry({
      ...stores,
      requestPermission: (request) => broker.request(request),
      prepareWorkspace: (request) => prepareAgentWorkspace(stores, request),
      tasks,
      runners: null,
      drivers,
      dataDir: stores.home,
      agentEnv: { MODEL_URL: "http://127.0.0.1:1" },
      watchdogMs: 60_000,
    });
    const agentRow = (id: string) => stores.prisma.agent.findUniqueOrThrow({ where: { id } });
    return { registry, heard, agentRow };
  }

  it("recover: agents a previous process left live are marked lost with the reason, their unfinished commands failed; others untouched", async () => {
    const { registry, agentRow } = await registryFor({});
    const session = await seedSession(stores);
    const busy = await seedAgent(stores, session.id, { status: "busy", driver: "shell" });
    const waiting = await seedAgent(stores, session.id, { status: "waiting-for-permission", driver: "claude" });
    const stopped = await seedAgent(stores, session.id, { status: "stopped", driver: "shell" });
    const observed = await seedAgent(stores, session.id, { status: "idle", driver: "external" });
    const { command } = await createCommand(stores, { agentId: busy.id, kind: "prompt", input: { text: "x" } });
    await stores.prisma.command.update({ where: { id: command.id }, data: { status: "running" } });

    await registry.recover();
    expect(await agentRow(busy.id)).toMatchObject({ status: "lost", lastError: "server restarted while the agent was busy" });
    expect(await agentRow(waiting.id)).toMatchObject({ status: "lost", lastError: "server restarted while the agent was waiting-for-permission" });
    expect(await agentRow(stopped.id)).toMatchObject({ status: "stopped", lastError: null });
    // Hook-reported agents run elsewhere: a restart of ours says nothing about them.
    expect(await agentRow(observed.id)).toMatchObject({ status: "idle", lastError: null });
    expect(await stores.prisma.command.findUniqueOrThrow({ where: { id: command.id } })).toMatchObject({ status: "failed", error: "server restarted before the command finished" });
    expect(() => registry.get(busy.id)).toThrow(expect.objectContaining({ code: "ILLEGAL_STATE" }));
  });

  it("launch: the driver gets the agent's context, the agent goes idle, is found, and the scheduler hears it is idle", async () => {
    const contexts: DriverContext[] = [];
    const { registry, heard, agentRow } = await registryFor({
      scripted: (context) => {
        contexts.push(context);
        return new ScriptedDriver();
      },
    });
    const session = await seedSession(stores);
    const agent = await seedAgent(stores, session.id);
    const runtime = await registry.launch(agent.id);
    expect(runtime.status).toBe("idle");
    expect((await agentRow(agent.id)).status).toBe("idle");
    expect(registry.find(agent.id)).toBe(runtime);
    expect(registry.idleIn(session.id)).toEqual([runtime]);
    expect(heard.idle).toEqual([session.id]);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({ agentId: agent.id, sessionId: session.id, cwd: session.workspaceRoot, env: { MODEL_URL: "http://127.0.0.1:1", ROZET_AGENT_ID: agent.id } });
    await expect(registry.launch(agent.id)).rejects.toMatchObject({ code: "ILLEGAL_STATE", message: expect.stringContaining("already idle") });
    await registry.shutdown();
    expect((await agentRow(agent.id)).status).toBe("stopped");
  });

  it("idleIn with a task's wants: only agents of the driver (and ACP profile, and runner label) it asks for", async () => {
    const { registry } = await registryFor({ acp: () => new ScriptedDriver(), shell: () => new ScriptedDriver(), claude: () => new ScriptedDriver() });
    const session = await seedSession(stores);
    const launch = async (driver: string, config: Record<string, unknown> = {}) => registry.launch((await seedAgent(stores, session.id, { driver, config })).id);
    const claudeAcp = await launch("acp", { profile: "claude" });
    const gemini = await launch("acp", { profile: "gemini" });
    const shell = await launch("shell");
    const claude = await launch("claude");
    const ids = (wants?: Parameters<AgentRegistry["idleIn"]>[1]) => registry.idleIn(session.id, wants).map((r) => r.agentId);
    expect(ids()).toEqual([claudeAcp, gemini, shell, claude].map((r) => r.agentId));
    expect(ids({ driver: "acp", acpProfile: "gemini" })).toEqual([gemini.agentId]);
    expect(ids({ driver: "acp" })).toEqual([claudeAcp.agentId, gemini.agentId]);
    expect(ids({ driver: "shell" })).toEqual([shell.agentId]);
    expect(ids({ driver: "claude" })).toEqual([claude.agentId]);
    expect(ids({ driver: "acp", acpProfile: "codex" })).toEqual([]);
    expect(ids({ driver: "shell", runnerLabel: "gpu" })).toEqual([]);
    await registry.shutdown();
  });

  it("a driver that fails to start leaves the agent failed with the reason (stored, published, on the timeline) and launch rejects", async () => {
    const { registry, agentRow } = await registryFor({ scripted: () => new ScriptedDriver(() => Promise.reject(new Error("exec: claude: not found"))) });
    const session = await seedSession(stores);
    const agent = await seedAgent(stores, session.id);
    await expect(registry.launch(agent.id)).rejects.toMatchObject({ code: "AGENT_FAILED", message: "failed to start: exec: claude: not found" });
    expect(await agentRow(agent.id)).toMatchObject({ status: "failed", lastError: "failed to start: exec: claude: not found" });
    expect(stores.published).toContainEqual(expect.objectContaining({ entity: "agent", id: agent.id, status: "failed" }));
    expect((await timeline(stores, session.id)).filter((e) => e.type === "agent.status").map((e) => e.status)).toEqual(["failed"]);
  });

  it("a start refused before the driver runs (no workspace; a factory that throws) fails the agent with the reason too", async () => {
    const { registry, agentRow } = await registryFor({
      scripted: () => new ScriptedDriver(),
      broken: () => {
        throw new Error("config.command is required");
      },
    });
    const hooked = await seedSession(stores, { workspace: null });
    const noWorkspace = await seedAgent(stores, hooked.id);
    await expect(registry.launch(noWorkspace.id)).rejects.toMatchObject({ code: "ILLEGAL_STATE", message: expect.stringContaining("has no workspace") });
    expect(await agentRow(noWorkspace.id)).toMatchObject({ status: "failed", lastError: expect.stringContaining("failed to start: session") });

    const session = await seedSession(stores);
    const broken = await seedAgent(stores, session.id, { driver: "broken" });
    await expect(registry.launch(broken.id)).rejects.toMatchObject({ code: "AGENT_FAILED", message: "failed to start: config.command is required" });
    expect(await agentRow(broken.id)).toMatchObject({ status: "failed", lastError: "failed to start: config.command is required" });

    // Resuming tries again: with the cause gone the agent comes up.
    await stores.prisma.agent.update({ where: { id: broken.id }, data: { driver: "scripted" } });
    const runtime = await registry.launch(broken.id, { resume: true });
    await waitFor(() => runtime.status === "idle", "idle after the retry");
    expect((await agentRow(broken.id)).lastError).toBeNull();
  });

  it("refuses what it cannot drive: an unknown agent, a driver it has no factory for, a hook-reported agent", async () => {
    const { registry, agentRow } = await registryFor({});
    const session = await seedSession(stores);
    await expect(registry.launch("missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const unknown = await seedAgent(stores, session.id, { driver: "acp" });
    await expect(registry.launch(unknown.id)).rejects.toMatchObject({ code: "INVALID_INPUT", details: { driver: "acp" } });
    expect((await agentRow(unknown.id)).status).toBe("starting");
    const observed = await seedAgent(stores, session.id, { driver: "external", status: "idle" });
    await expect(registry.launch(observed.id)).rejects.toMatchObject({ code: "ILLEGAL_STATE", message: expect.stringContaining("observed, not driven") });
  });
});
