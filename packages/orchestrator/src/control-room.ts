import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { background, silentLogger, type Logger } from "@rozet/vocabulary";
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
import { AgentForwarder, type AgentForwarding } from "./replicas/agent-forwarding.ts";
import { loseAgentsOfDeadReplica } from "./replicas/dead-replica.ts";
import { ReplicaHeartbeat } from "./replicas/replica-heartbeat.ts";
import { runForwardedCall } from "./runtime/agent-commands.ts";
import { LIVE_STATUSES, type AgentStatus } from "./runtime/lifecycle.ts";

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
  /** How this replica is named to the others (Postgres): in errors and in the reason its agents are lost. */
  replicaName?: string | undefined;
  /** A replica that has not renewed its heartbeat for this long is taken for dead and its agents go `lost`. */
  replicaLeaseMs?: number | undefined;
  /** How long a command forwarded to the agent's replica waits for its answer (pick-up: at most 5 s of it). */
  forwardTimeoutMs?: number | undefined;
}

const DEFAULT_REPLICA_LEASE_MS = 30_000;
const DEFAULT_FORWARD_TIMEOUT_MS = 30_000;

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
  /** Agent commands for agents another replica runs go there (never with SQLite). */
  forwarding: AgentForwarding;
  database: Database;
  /** Stops agents, flushes the write queue and closes the database. */
  close(): Promise<void>;
}

export async function createControlRoom(options: ControlRoomOptions): Promise<ControlRoom> {
  mkdirSync(options.workspacesRoot, { recursive: true });
  const log = options.logger ?? silentLogger;
  const replicaLeaseMs = options.replicaLeaseMs ?? DEFAULT_REPLICA_LEASE_MS;
  const database = await openDatabase(options.database, {
    ...(options.synchronous ? { synchronous: options.synchronous } : {}),
    // Postgres: a replica paused mid-transaction past its lease (swept as dead meanwhile) must not keep holding locks.
    idleInTransactionMs: replicaLeaseMs,
    // Postgres going away (restart, failover) fails the queries that need it; the process lives on.
    onConnectionError: (error) => log.warn({ err: error }, "database connection ended"),
  });
  const bus = createBus();
  const replicaName = options.replicaName ?? `${hostname()}/${process.pid}`;
  const replication = await startReplication({ database, location: options.database, bus, log, name: replicaName, leaseMs: replicaLeaseMs }).catch(async (error: unknown) => {
    await database.close().catch(() => undefined);
    throw error;
  });
  const { replicas, leases, directory } = replication;
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
    ? new RunnerHub({
        queue: options.runnerQueue,
        log,
        bus,
        replicas,
        leaseMs: options.runnerLeaseMs ?? 30_000,
        lose: (agentId, reason) => agents.lose(agentId, reason),
        forwardReport: async (runnerId, report) => (await forwarding.forward(report.agentId, "report", { runnerId, report })) !== null,
      })
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
  const forwardTimeoutMs = options.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS;
  const forwarding = new AgentForwarder({
    directory,
    calls: replication.calls,
    replicas,
    log,
    runsHere: (agentId) => {
      const runtime = agents.find(agentId);
      return runtime !== undefined && LIVE_STATUSES.has(runtime.status);
    },
    storedLive: async (agentId) => {
      const row = await database.prisma.agent.findUnique({ where: { id: agentId }, select: { status: true } });
      return row !== null && LIVE_STATUSES.has(row.status as AgentStatus);
    },
    pickupMs: Math.min(5_000, forwardTimeoutMs),
    answerMs: forwardTimeoutMs,
  });
  forwarding.serve((kind, input) => runForwardedCall({ ...stores, agents, permissions, runners }, kind, input));
  const heartbeat = new ReplicaHeartbeat({
    directory,
    log,
    leaseMs: replicaLeaseMs,
    takePendingCalls: () => forwarding.takePending(),
    onDead: async (dead, reason) => {
      const lost = await loseAgentsOfDeadReplica({ ...stores, requeueTasksOf: (agentId, why) => tasks.requeueTasksOf(agentId, why) }, dead.agentIds, reason);
      // Runner agents driven by the dead replica: their runners stop them at the next heartbeat.
      await runners?.release(lost);
    },
    onSwept: () => agents.shutdown("this replica was taken for dead by another one (no heartbeat within its lease); its agents were marked lost there"),
  });
  let lostInRestart: string[] = [];
  try {
    const lost = (lostInRestart = await agents.recover());
    // A replica that crashed (this one's previous run, on a single server) still stands as their owner until its
    // heartbeat expires: without this, commands for them would wait on it and answer 503 instead of "lost".
    await directory.forget(lost);
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
  heartbeat.start();
  // Their tasks run again, as a dead replica's do: the turn died with the process, and a task left `running` on a
  // lost agent would wait for ever. (Also a replica's agents taken as left over before any heartbeat swept them.)
  background(log, "re-dispatch the tasks of agents lost in the restart", async () => {
    for (const agentId of lostInRestart) await tasks.requeueTasksOf(agentId, "the server restarted while its agent ran it");
  });
  return {
    ...stores,
    database,
    permissions,
    agents,
    tasks,
    plans: { planner, coordinator, queue },
    runners,
    forwarding,
    async close() {
      heartbeat.stop();
      stats.stop();
      coordinator.stop();
      planner.close();
      await hookAgents.stop();
      runners?.beginShutdown();
      await agents.shutdown();
      await runners?.close();
      // Its agents are stopped: the others need not wait out its lease to know.
      await directory.leave().catch((error: unknown) => log.warn({ err: error }, "replica row not removed"));
      await writer.close();
      await replication.close();
      await database.close();
    },
  };
}
