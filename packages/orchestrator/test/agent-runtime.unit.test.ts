import { interruptResults } from "@rozet/vocabulary";
import { afterEach, describe, expect, it } from "vitest";
import { AgentRuntime, type AgentRuntimeOptions } from "../src/runtime/agent-runtime.ts";
import { createCommand } from "../src/runtime/commands.ts";
import { PermissionBroker } from "../src/runtime/permission-broker.ts";
import { ScriptedDriver } from "./scripted-driver.ts";
import { openUnitStores, seedAgent, seedSession, timeline, waitFor, type UnitStores } from "./unit-harness.ts";

type Finished = Parameters<AgentRuntimeOptions["onCommandFinished"]>;

describe("AgentRuntime (unit: scripted driver, real SQLite)", () => {
  let stores: UnitStores;
  afterEach(async () => {
    await stores.close();
  });

  /** A runtime for a fresh agent, wired with exactly what it takes: the stores and the permission broker's request. */
  async function runtimeFor(opts: { budgetTokens?: number | null; watchdogMs?: number } = {}) {
    stores = await openUnitStores();
    const session = await seedSession(stores);
    const agent = await seedAgent(stores, session.id, { budgetTokens: opts.budgetTokens ?? null });
    const broker = new PermissionBroker({ ...stores, timeoutMs: 5_000 });
    const finished: Finished[] = [];
    const started: string[] = [];
    let idle = 0;
    const requeued: [string, string][] = [];
    const runtime = new AgentRuntime(
      { ...stores, requestPermission: (request) => broker.request(request) },
      {
        agentId: agent.id,
        sessionId: session.id,
        status: "starting",
        budget: { usd: null, tokens: opts.budgetTokens ?? null },
        spent: { usd: 0, tokens: 0 },
        workspace: null,
        watchdogMs: opts.watchdogMs ?? 60_000,
        onTaskTurnStarting: async (turn) => {
          started.push(turn.taskId);
          return { text: turn.text };
        },
        onTaskTurnEnded: async () => undefined,
        onCommandFinished: (...args) => void finished.push(args),
        onIdle: () => void (idle += 1),
        onTaskRequeued: (taskId, reason) => void requeued.push([taskId, reason]),
        runnerLabel: null,
      },
    );
    const prompt = async (text: string, extra: { taskId?: string; taskBudget?: { usd: number | null; tokens: number | null } } = {}) => {
      const { command } = await createCommand(stores, { agentId: agent.id, kind: "prompt", input: { text } });
      runtime.enqueue({ commandId: command.id, text, ...extra });
      return command.id;
    };
    const commandRow = (id: string) => stores.prisma.command.findUniqueOrThrow({ where: { id } });
    const agentRow = () => stores.prisma.agent.findUniqueOrThrow({ where: { id: agent.id } });
    return { runtime, broker, session, agent, finished, started, requeued, idleCount: () => idle, prompt, commandRow, agentRow };
  }

  it("start: starting → idle, stored with the process id, published and on the timeline; idle with nothing queued says so", async () => {
    const { runtime, agentRow, session, agent, idleCount } = await runtimeFor();
    await runtime.start(new ScriptedDriver());
    expect(runtime.status).toBe("idle");
    expect(await agentRow()).toMatchObject({ status: "idle", processId: 4242, lastError: null });
    expect(stores.published).toContainEqual(expect.objectContaining({ entity: "agent", id: agent.id, action: "updated", status: "idle" }));
    const statuses = (await timeline(stores, session.id)).filter((e) => e.type === "agent.status");
    expect(statuses.map((e) => e.status)).toEqual(["idle"]);
    expect(statuses[0]!.summary).toBe("starting → idle");
    expect(idleCount()).toBe(1);
  });

  it("a driver that cannot start leaves the agent failed with the reason, and start() rejects AGENT_FAILED", async () => {
    const { runtime, agentRow, session } = await runtimeFor();
    const error = await runtime.start(new ScriptedDriver(() => Promise.reject(new Error("no such binary")))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "AGENT_FAILED", message: "failed to start: no such binary" });
    expect(runtime.status).toBe("failed");
    expect(await agentRow()).toMatchObject({ status: "failed", lastError: "failed to start: no such binary" });
    expect((await timeline(stores, session.id)).filter((e) => e.type === "agent.status").map((e) => e.summary)).toEqual(["starting → failed: failed to start: no such binary"]);
  });

  it("stopping a failed agent (session archived, server shutting down) leaves it stopped, not an illegal transition", async () => {
    const { runtime, agentRow } = await runtimeFor();
    await runtime.start(new ScriptedDriver(() => Promise.reject(new Error("no such binary")))).catch(() => undefined);
    expect(runtime.status).toBe("failed");
    await runtime.stop("server shutting down");
    expect(runtime.status).toBe("stopped");
    expect(await agentRow()).toMatchObject({ status: "stopped" });
  });

  it("stopped while it was starting: a start that ends later (either way) leaves it stopped, not idle or failed", async () => {
    for (const outcome of ["resolves", "rejects"] as const) {
      const { runtime, agentRow } = await runtimeFor();
      let finishStart: () => void = () => undefined;
      const driver = new ScriptedDriver(
        () =>
          new Promise((resolve, reject) => {
            finishStart = () => (outcome === "resolves" ? resolve({ processId: 7 }) : reject(new Error("killed while starting")));
          }),
      );
      const starting = runtime.start(driver);
      await runtime.stop("session archived");
      expect(runtime.status).toBe("stopped");
      finishStart();
      await starting;
      expect(runtime.status).toBe("stopped");
      expect(await agentRow()).toMatchObject({ status: "stopped", lastError: null });
      await stores.close();
    }
    stores = await openUnitStores(); // afterEach closes one
  });

  it("runs queued prompts one at a time, in order; each command follows its turn and the scheduler hears of it", async () => {
    const { runtime, prompt, commandRow, finished, session } = await runtimeFor();
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    const first = await prompt("one");
    const second = await prompt("two");
    await waitFor(() => driver.turns.length === 1 && runtime.status === "busy", "first turn running");
    expect((await commandRow(first)).status).toBe("running");
    expect((await commandRow(second)).status).toBe("queued");
    expect(runtime.queued.map((q) => q.commandId)).toEqual([second]);

    driver.turns[0]!.finish({ status: "completed", result: "did one" });
    await waitFor(() => driver.turns.length === 2, "second turn running");
    expect(driver.turns.map((t) => t.text)).toEqual(["one", "two"]);
    expect(await commandRow(first)).toMatchObject({ status: "completed", result: "did one" });

    driver.turns[1]!.finish({ status: "failed", error: "model said 529" });
    await waitFor(() => runtime.status === "idle" && finished.length === 2, "both finished");
    expect(finished).toEqual([
      [first, undefined, "completed", "did one"],
      [second, undefined, "failed", "model said 529"],
    ]);
    expect(await commandRow(second)).toMatchObject({ status: "failed", error: "model said 529" });
    // A failed turn leaves the agent idle: the roster shows why through lastError.
    expect((await stores.prisma.agent.findUniqueOrThrow({ where: { id: runtime.agentId } })).lastError).toBe("model said 529");
    const submitted = (await timeline(stores, session.id)).filter((e) => e.type === "prompt.submitted");
    expect(submitted.map((e) => e.summary)).toEqual(["one", "two"]);
  });

  it("a prompt dropped from the queue is cancelled before it started; an interrupt cancels the running turn", async () => {
    const { runtime, prompt, commandRow, finished } = await runtimeFor();
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    const running = await prompt("long");
    const queued = await prompt("later");
    await waitFor(() => driver.turns.length === 1, "first turn running");
    await runtime.cancelCommand(queued);
    expect(await commandRow(queued)).toMatchObject({ status: "cancelled", error: "cancelled before it started" });
    expect(await runtime.interrupt()).toBe(true);
    await waitFor(() => runtime.status === "idle" && finished.length === 2, "interrupted turn finished");
    expect((await commandRow(running)).status).toBe("cancelled");
    expect(driver.cancels).toBe(1);
    expect(driver.turns).toHaveLength(1);
    expect(await runtime.interrupt()).toBe(false);
  });

  it("an operator's interrupt says what it did: delivered, nothing running, the turn ended first, or not yet confirmed", async () => {
    const { runtime, prompt, commandRow } = await runtimeFor();
    // A driver whose interrupt does not take effect (Claude Code drops one read before the turn began).
    const driver = new (class extends ScriptedDriver {
      override async cancel() {
        this.cancels += 1;
      }
    })();
    await runtime.start(driver);
    expect(await runtime.interruptAndConfirm()).toBe(interruptResults.noop);

    const first = await prompt("answer");
    await waitFor(() => driver.turns.length === 1, "turn running");
    const confirming = runtime.interruptAndConfirm(5_000);
    driver.running!.finish({ status: "completed", result: "the answer" });
    expect(await confirming).toBe(interruptResults.endedFirst);
    // The prompt keeps its true outcome: it completed, it was not cancelled.
    expect(await commandRow(first)).toMatchObject({ status: "completed", result: "the answer" });

    const second = await prompt("again");
    await waitFor(() => driver.turns.length === 2, "second turn running");
    expect(await runtime.interruptAndConfirm(50)).toBe(interruptResults.unconfirmed);
    driver.running!.finish({ status: "cancelled" });
    await waitFor(async () => (await commandRow(second)).status === "cancelled", "second turn cancelled");

    const third = await prompt("third");
    await waitFor(() => driver.turns.length === 3, "third turn running");
    const delivered = runtime.interruptAndConfirm(5_000);
    driver.running!.finish({ status: "cancelled" });
    expect(await delivered).toBe(interruptResults.delivered);
    expect((await commandRow(third)).status).toBe("cancelled");
  });

  it("an interrupt that comes before the prompt reached the driver (its status writes still on their way) cancels the turn: the prompt is never sent", async () => {
    const { runtime, agent, commandRow, finished, session } = await runtimeFor();
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    const { command } = await createCommand(stores, { agentId: agent.id, kind: "prompt", input: { text: "answer" } });
    // The turn is taken at once, but the driver only gets the prompt after the busy and running writes: a slow
    // store (Postgres under load) makes this window wide. No await between these two calls: always inside it.
    runtime.enqueue({ commandId: command.id, text: "answer" });
    const interrupt = runtime.interruptAndConfirm(5_000);
    expect(await interrupt).toBe(interruptResults.delivered);
    expect(driver.turns).toEqual([]);
    expect(await commandRow(command.id)).toMatchObject({ status: "cancelled", error: "interrupted before the prompt was sent" });
    await waitFor(() => runtime.status === "idle" && finished.length === 1, "idle after the cancelled turn");
    expect(finished).toEqual([[command.id, undefined, "cancelled", "interrupted before the prompt was sent"]]);
    const turnEvents = (await timeline(stores, session.id)).filter((e) => e.commandId === command.id);
    expect(turnEvents.map((e) => e.type)).toEqual(["agent.interrupted"]);
    // The agent still works: the next prompt reaches the driver.
    const { command: next } = await createCommand(stores, { agentId: agent.id, kind: "prompt", input: { text: "now" } });
    runtime.enqueue({ commandId: next.id, text: "now" });
    await waitFor(() => driver.turns.length === 1, "next turn running");
    driver.running!.finish({ status: "completed", result: "done" });
    await waitFor(async () => (await commandRow(next.id)).status === "completed", "next turn completed");
  });

  it("the agent's budget crossed by streamed usage interrupts the turn (cancelled, naming the budget) and pauses the agent until it is raised", async () => {
    const { runtime, prompt, commandRow, agentRow, session } = await runtimeFor({ budgetTokens: 100 });
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    const command = await prompt("expensive");
    await waitFor(() => driver.turns.length === 1, "turn running");
    runtime.host.turnUsage?.(60);
    expect(driver.cancels).toBe(0);
    runtime.host.turnUsage?.(150);
    await waitFor(() => runtime.status === "paused", "paused at the budget");
    expect(driver.cancels).toBe(1);
    const row = await commandRow(command);
    expect(row.status).toBe("cancelled");
    expect(row.error).toBe("budget exceeded: $0.0000 of $∞, 150 of 100 tokens");
    const exceeded = (await timeline(stores, session.id)).filter((e) => e.type === "budget.exceeded");
    expect(exceeded).toHaveLength(1);
    expect(exceeded[0]).toMatchObject({ status: "paused", summary: row.error });

    // Queued work waits while paused; raising the limit lets it run.
    const next = await prompt("after the raise");
    expect(driver.turns).toHaveLength(1);
    await runtime.updateBudget({ usd: null, tokens: 1_000 });
    await waitFor(() => driver.turns.length === 2, "runs once the budget is raised");
    expect((await agentRow()).status).toBe("busy");
    driver.turns[1]!.finish({ status: "completed", result: "ok" });
    await waitFor(async () => (await commandRow(next)).status === "completed", "second command completed");
  });

  it("usage stored without emit (a runner's agent): counted once against streamed figures, whatever order they arrive in; another turn's figure is ignored", async () => {
    const { runtime, prompt, commandRow } = await runtimeFor({ budgetTokens: 1_000 });
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    const first = await prompt("turn one");
    await waitFor(() => driver.turns.length === 1, "turn running");
    runtime.host.turnUsage?.(300, { commandId: first });
    // The turn's usage event (610 in all) arrives through the ingest before the last streamed figure (600).
    runtime.host.usageStored?.({ costUsd: null, inputTokens: 600, outputTokens: 10 });
    runtime.host.turnUsage?.(600, { commandId: first });
    // A figure of another command (late from an earlier turn) counts nothing.
    runtime.host.turnUsage?.(900, { commandId: "another-command" });
    driver.turns[0]!.finish({ status: "completed", result: "ok" });
    await waitFor(async () => (await commandRow(first)).status === "completed", "first turn completed");
    expect(runtime.status).toBe("idle");

    // 610 counted so far: 400 more streamed in the next turn cross the 1,000 limit.
    const second = await prompt("turn two");
    await waitFor(() => driver.turns.length === 2, "second turn running");
    runtime.host.turnUsage?.(380, { commandId: second });
    expect(driver.cancels).toBe(0);
    runtime.host.turnUsage?.(400, { commandId: second });
    await waitFor(() => runtime.status === "paused", "paused at the budget");
    expect((await commandRow(second)).error).toBe("budget exceeded: $0.0000 of $∞, 1010 of 1000 tokens");
  });

  it("a task's budget fails its command with the reason and denies further tools meanwhile; the agent stays available", async () => {
    const { runtime, prompt, commandRow, finished, started, broker, session } = await runtimeFor();
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    const command = await prompt("task work", { taskId: "task-1", taskBudget: { usd: null, tokens: 50 } });
    await waitFor(() => driver.turns.length === 1, "turn running");
    expect(started).toEqual(["task-1"]);
    runtime.host.turnUsage?.(60);
    // Past the limit no tool may run while the turn is being interrupted: denied at once, nothing asked.
    const denial = await runtime.host.requestPermission({ toolName: "Bash", input: { command: "rm -rf /" } }, new AbortController().signal);
    expect(denial).toMatchObject({ behavior: "deny", interrupt: true, message: expect.stringContaining("task budget exceeded") });
    expect(await broker.list({ sessionId: session.id, limit: 10 })).toEqual([]);
    await waitFor(() => finished.length === 1 && runtime.status === "idle", "turn over");
    expect(await commandRow(command)).toMatchObject({ status: "failed", error: "task budget exceeded: $0.0000 of $∞, 60 of 50 tokens" });
    expect(finished[0]).toEqual([command, "task-1", "failed", "task budget exceeded: $0.0000 of $∞, 60 of 50 tokens"]);
  });

  it("a permission request waits for the operator (waiting-for-permission), then the turn goes on with the answer", async () => {
    const { runtime, prompt, broker, session } = await runtimeFor();
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    await prompt("needs a tool");
    await waitFor(() => driver.turns.length === 1, "turn running");
    const decision = runtime.host.requestPermission({ toolName: "Bash", input: { command: "ls" }, reason: "list files" }, new AbortController().signal);
    await waitFor(() => runtime.status === "waiting-for-permission", "waiting for the operator");
    const [pending] = await broker.list({ sessionId: session.id, status: "pending", limit: 10 });
    expect(pending).toMatchObject({ toolName: "Bash", agentId: runtime.agentId });
    await broker.respond({ id: pending!.id, answer: { behavior: "allow" } });
    expect(await decision).toEqual({ behavior: "allow", updatedInput: { command: "ls" } });
    expect(runtime.status).toBe("busy");
    driver.turns[0]!.finish({ status: "completed" });
    await waitFor(() => runtime.status === "idle", "idle after the turn");
    const statuses = (await timeline(stores, session.id)).filter((e) => e.type === "agent.status").map((e) => e.status);
    expect(statuses).toEqual(["idle", "busy", "waiting-for-permission", "busy", "idle"]);
  });

  it("a driver that exits on its own fails the agent with the reason and fails what was queued", async () => {
    const { runtime, prompt, commandRow, agentRow, finished } = await runtimeFor();
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    const running = await prompt("one");
    const queued = await prompt("two");
    await waitFor(() => driver.turns.length === 1, "turn running");
    runtime.host.exited("process exited with code 137");
    await waitFor(() => runtime.status === "failed", "failed");
    await waitFor(async () => (await commandRow(queued)).status === "failed", "queued command failed");
    expect(await commandRow(queued)).toMatchObject({ error: "agent failed: process exited with code 137" });
    expect(await agentRow()).toMatchObject({ status: "failed", lastError: "process exited with code 137" });
    // The driver ends the turn it was in; the runtime stores it and stays failed (no way back to idle).
    driver.turns[0]!.finish({ status: "failed", error: "process exited with code 137" });
    await waitFor(() => finished.length === 2, "running command finished");
    expect((await commandRow(running)).status).toBe("failed");
    expect(runtime.status).toBe("failed");
    expect(driver.turns).toHaveLength(1);
  });

  it("lost (its runner's lease expired): the reason stored, queued prompts cancelled and their tasks handed back; the running turn ends failed; a lost agent can be stopped", async () => {
    const { runtime, prompt, commandRow, agentRow, finished, requeued, session } = await runtimeFor();
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    const running = await prompt("one");
    const queued = await prompt("two", { taskId: "task-2" });
    await waitFor(() => driver.turns.length === 1, "turn running");
    await runtime.lose("runner a lost: no heartbeat");
    expect(runtime.status).toBe("lost");
    expect(await agentRow()).toMatchObject({ status: "lost", lastError: "runner a lost: no heartbeat" });
    expect(await commandRow(queued)).toMatchObject({ status: "cancelled", error: "agent lost before the command started: runner a lost: no heartbeat" });
    expect(requeued).toEqual([["task-2", "runner a lost: no heartbeat"]]);
    const statuses = (await timeline(stores, session.id)).filter((e) => e.type === "agent.status");
    expect(statuses.at(-1)).toMatchObject({ status: "lost", summary: "busy → lost: runner a lost: no heartbeat" });
    // The remote driver gives the running turn up; it is stored failed and the agent stays lost.
    driver.turns[0]!.finish({ status: "failed", error: "runner a lost" });
    await waitFor(() => finished.length === 1, "running command finished");
    expect((await commandRow(running)).status).toBe("failed");
    expect(runtime.status).toBe("lost");
    await runtime.stop();
    expect(runtime.status).toBe("stopped");
  });

  it("stop: stopping → stopped, queued prompts cancelled, the driver stopped; stopping twice is a no-op", async () => {
    const { runtime, prompt, commandRow, agentRow } = await runtimeFor();
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    await prompt("one");
    const queued = await prompt("two");
    await waitFor(() => driver.turns.length === 1, "turn running");
    await runtime.stop();
    await runtime.stop();
    expect(runtime.status).toBe("stopped");
    expect(driver.stops).toBe(1);
    expect(await commandRow(queued)).toMatchObject({ status: "cancelled", error: "agent stopping: stopped by operator" });
    expect((await agentRow()).status).toBe("stopped");
  });

  it("a busy agent silent past the watchdog is flagged stalled on the timeline, and resumed when it speaks again", async () => {
    const { runtime, prompt, session } = await runtimeFor({ watchdogMs: 40 });
    const driver = new ScriptedDriver();
    await runtime.start(driver);
    await prompt("slow");
    await waitFor(() => driver.turns.length === 1, "turn running");
    await waitFor(async () => (await timeline(stores, session.id)).some((e) => e.type === "agent.waiting" && e.status === "stalled"), "stalled flagged");
    runtime.host.activity();
    await waitFor(async () => (await timeline(stores, session.id)).some((e) => e.type === "agent.waiting" && e.status === "resumed"), "resumed flagged");
    driver.turns[0]!.finish({ status: "completed" });
    await waitFor(() => runtime.status === "idle", "idle");
  });
});
