import { mkdirSync } from "node:fs";
import { silentLogger, type Logger } from "@rozet/vocabulary";
import { createBus, EventWriter, openDatabase, type Bus, type Database, type EventStore, type PrismaClient } from "@rozet/db";
import { ControlFeed } from "./control-feed.ts";
import type { DriverFactory } from "./runtime/driver.ts";
import { PermissionBroker } from "./runtime/permission-broker.ts";
import { HookAgentObserver } from "./runtime/hook-agent-observer.ts";
import { AgentRegistry } from "./runtime/registry.ts";
import { TaskScheduler } from "./runtime/task-scheduler.ts";
import { StatsTicker } from "./stats-ticker.ts";

export interface ControlRoomOptions {
  databaseFile: string;
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
}

/** Everything the domain functions need, created once per server and hung on the tRPC context. */
export interface ControlRoom {
  prisma: PrismaClient;
  events: EventStore;
  writer: EventWriter;
  bus: Bus;
  control: ControlFeed;
  permissions: PermissionBroker;
  agents: AgentRegistry;
  tasks: TaskScheduler;
  workspacesRoot: string;
  database: Database;
  /** The injected logger: background failures go here, never to console. */
  log: Logger;
  /** Stops agents, flushes the write queue and closes the database. */
  close(): Promise<void>;
}

export async function createControlRoom(options: ControlRoomOptions): Promise<ControlRoom> {
  mkdirSync(options.workspacesRoot, { recursive: true });
  const database = await openDatabase(options.databaseFile, options.synchronous ? { synchronous: options.synchronous } : {});
  const bus = createBus();
  const control = new ControlFeed(bus);
  const log = options.logger ?? silentLogger;
  const stats = new StatsTicker({
    read: (sessionId) => database.events.stats(sessionId),
    publish: (sessionId, data) => control.publish({ entity: "stats", id: sessionId, sessionId, action: "updated", data }),
    log,
  });
  const writer = new EventWriter({
    store: database.events,
    log,
    onCommit(outcome) {
      if (outcome.stored.length > 0) bus.publish("events", outcome.stored);
      for (const event of outcome.stored) stats.markDirty(event.sessionId);
      for (const id of outcome.createdSessions) control.publish({ entity: "session", id, sessionId: id, action: "created" });
      for (const agent of outcome.createdAgents) {
        control.publish({ entity: "agent", id: agent.id, sessionId: agent.sessionId, action: "created", status: "idle" });
      }
    },
  });
  const room = {
    prisma: database.prisma,
    events: database.events,
    writer,
    bus,
    control,
    workspacesRoot: options.workspacesRoot,
    database,
    log,
  } as ControlRoom;
  room.permissions = new PermissionBroker(room, { timeoutMs: options.permissionTimeoutMs ?? 10 * 60_000 });
  room.tasks = new TaskScheduler(room);
  room.agents = new AgentRegistry(room, {
    drivers: options.drivers,
    dataDir: options.dataDir,
    agentEnv: options.agentEnv ?? {},
    watchdogMs: options.watchdogMs ?? 60_000,
  });
  try {
    await room.agents.recover();
    await room.permissions.closeOrphans();
  } catch (error) {
    // Nothing half-open left behind: the caller gets the error and no store, writer or timer outlives it.
    await writer.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
  // Started last: a createControlRoom that throws above leaves no timer or listener behind.
  stats.start();
  const hookAgents = new HookAgentObserver(room);
  hookAgents.start();
  room.close = async () => {
    stats.stop();
    await hookAgents.stop();
    await room.agents.shutdown();
    await writer.close();
    await database.close();
  };
  return room;
}
