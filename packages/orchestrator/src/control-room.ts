import { mkdirSync } from "node:fs";
import { silentLogger, type Logger } from "@rozet/vocabulary";
import { createBus, EventWriter, openDatabase, type Database } from "@rozet/db";
import { createAgent } from "./agents.ts";
import { ControlFeed } from "./control-feed.ts";
import type { Stores } from "./deps.ts";
import { startReplication } from "./replication.ts";
import { prepareAgentWorkspace } from "./runtime/agent-workspace.ts";
import type { DriverFactory } from "./runtime/driver.ts";
import { PermissionBroker } from "./runtime/permission-broker.ts";
import { HookAgentObserver } from "./runtime/hook-agent-observer.ts";
import { AgentRegistry } from "./runtime/registry.ts";
import { TaskScheduler } from "./runtime/task-scheduler.ts";
import { StatsTicker } from "./stats-ticker.ts";
import { PlanCoordinator } from "./plans/coordinator.ts";
import { Planner } from "./plans/planner.ts";
import { failInterruptedPlanning } from "./plans/plans.ts";
import { PlanQueue } from "./plans/plan-store.ts";
import type { RunnerQueue } from "./runners/queue.ts";
import { RunnerHub } from "./runners/runner-hub.ts";

export interface ControlRoomOptions {
  /** The SQLite file, or a `postgres://` URL for the shared Postgres store. */
  database: string;
  workspacesRoot: string;
  /** Control-room data dir (agent config dirs live under it). */
  dataDir: string;
  drivers: Record<string, DriverFactory>;
  agentEnv?: Record<string, string>;
  synchronous?: "FULL" | "NORMAL";
  /** An unanswered permission request is denied after this long. */
  permissionTimeoutMs?: number;
  /** A busy agent silent for this long is flagged on the timeline as stalled. */
  watchdogMs?: number;
  /** Where the domain reports failures nobody awaits (the server passes its pino logger). */
  logger?: Logger;
  /** Remote runners' job queue and leases (Postgres); without it, agents asking for a runner label are refused. */
  runnerQueue?: RunnerQueue | undefined;
  /** A runner silent for this long loses its agents (they go `lost`). */
  runnerLeaseMs?: number | undefined;
}

/**
 * The façade the API and the server use: the stores and the services, created once per server and hung on the
 * tRPC context. Nothing inside the domain imports it; every service and function takes the part it uses.
 */
export interface ControlRoom extends Stores {
  permissions: PermissionBroker;
  agents: AgentRegistry;
  tasks: TaskScheduler;
  /** Plans: the planner agents, the coordinator that runs approved plans, and the per-plan work queue. */
  plans: { planner: Planner; coordinator: PlanCoordinator; queue: PlanQueue };
  /** Remote runners (null without a runner queue: the SQLite store). */
  runners: RunnerHub | null;
  database: Database;
  /** Stops agents, flushes the write queue and closes the database. */
  close(): Promise<void>;
}

export async function createControlRoom(options: ControlRoomOptions): Promise<ControlRoom> {
  mkdirSync(options.workspacesRoot, { recursive: true });
  const log = options.logger ?? silentLogger;
  const database = await openDatabase(options.database, {
    ...(options.synchronous ? { synchronous: options.synchronous } : {}),
    // Postgres going away (restart, failover) fails the queries that need it; the process lives on.
    onConnectionError: (error) => log.warn({ err: error }, "database connection ended"),
  });
  const bus = createBus();
  const replication = await startReplication({ database, location: options.database, bus, log }).catch(async (error: unknown) => {
    await database.close().catch(() => undefined);
    throw error;
  });
  const { replicas, leases } = replication;
  const control = new ControlFeed({ bus, replicas, log });
  const stats = new StatsTicker({
    read: (sessionId) => database.events.stats(sessionId),
    publish: (sessionId, data) => control.publish({ entity: "stats", id: sessionId, sessionId, action: "updated", data }),
    log,
  });
  const writer = new EventWriter({
    store: database.events,
    log,
    onCommit(outcome) {
      // With replicas the fan-out publishes them, in seq order with every other replica's.
      if (outcome.stored.length > 0 && !replication.fansOutEvents) bus.publish("events", outcome.stored, "local");
      for (const event of outcome.stored) stats.markDirty(event.sessionId);
      for (const id of outcome.createdSessions) control.publish({ entity: "session", id, sessionId: id, action: "created" });
      for (const agent of outcome.createdAgents) {
        control.publish({ entity: "agent", id: agent.id, sessionId: agent.sessionId, action: "created", status: "idle" });
      }
    },
  });
  const stores: Stores = { prisma: database.prisma, events: database.events, writer, bus, control, replicas, leases, log, workspacesRoot: options.workspacesRoot };
  const permissions = new PermissionBroker({ ...stores, timeoutMs: options.permissionTimeoutMs ?? 10 * 60_000 });
  // The scheduler and the registry call each other: each reaches the other through a closure, bound by the time
  // anything runs (no agent or task runs before both exist).
  const tasks: TaskScheduler = new TaskScheduler({
    ...stores,
    agents: { find: (agentId) => agents.find(agentId), idleIn: (sessionId, wants) => agents.idleIn(sessionId, wants) },
    startAgent: (profile) => createAgent({ ...stores, agents, runners }, profile),
  });
  // Planner and coordinator call each other (approve on autoApprovePlans, replan after a failure): closures again.
  const queue = new PlanQueue();
  const planner: Planner = new Planner({
    ...stores,
    agents: { launch: (id, opts) => agents.launch(id, opts), find: (id) => agents.find(id), get: (id) => agents.get(id), stop: (id) => agents.stop(id) },
    queue,
    approve: (planId, by) => coordinator.approve(planId, by),
  });
  const coordinator: PlanCoordinator = new PlanCoordinator({ ...stores, tasks, agents: { find: (id) => agents.find(id) }, queue, planner });
  const runners = options.runnerQueue
    ? new RunnerHub({ queue: options.runnerQueue, log, bus, leaseMs: options.runnerLeaseMs ?? 30_000, lose: (agentId, reason) => agents.lose(agentId, reason) })
    : null;
  const agents: AgentRegistry = new AgentRegistry({
    ...stores,
    requestPermission: (request) => permissions.request(request),
    prepareWorkspace: (request) => prepareAgentWorkspace(stores, request),
    tasks,
    drivers: options.drivers,
    dataDir: options.dataDir,
    agentEnv: options.agentEnv ?? {},
    watchdogMs: options.watchdogMs ?? 60_000,
    toolsFor: (agentId) => planner.toolsFor(agentId),
    runners,
  });
  try {
    const lost = await agents.recover();
    await runners?.release(lost);
    await permissions.closeOrphans();
    await failInterruptedPlanning(stores);
  } catch (error) {
    // Nothing half-open left behind: the caller gets the error and no store, writer or timer outlives it.
    await writer.close().catch(() => undefined);
    await replication.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    await options.runnerQueue?.close().catch(() => undefined);
    throw error;
  }
  // Started last: a createControlRoom that throws above leaves no timer or listener behind.
  stats.start();
  const hookAgents = new HookAgentObserver(stores);
  hookAgents.start();
  coordinator.start();
  runners?.start();
  return {
    ...stores,
    database,
    permissions,
    agents,
    tasks,
    plans: { planner, coordinator, queue },
    runners,
    async close() {
      stats.stop();
      coordinator.stop();
      planner.close();
      await hookAgents.stop();
      runners?.beginShutdown();
      await agents.shutdown();
      await runners?.close();
      await writer.close();
      await replication.close();
      await database.close();
    },
  };
}
