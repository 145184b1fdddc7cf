import { mkdirSync } from "node:fs";
import { createBus, EventWriter, openDatabase, type Bus, type Database, type EventStore, type PrismaClient } from "@rozet/db";
import { ControlFeed } from "./control-feed.ts";
import type { DriverFactory } from "./runtime/driver.ts";
import { PermissionBroker } from "./runtime/permission-broker.ts";
import { AgentRegistry } from "./runtime/registry.ts";
import { TaskScheduler } from "./runtime/task-scheduler.ts";

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
  /** Stops agents, flushes the write queue and closes the database. */
  close(): Promise<void>;
}

export async function createControlRoom(options: ControlRoomOptions): Promise<ControlRoom> {
  mkdirSync(options.workspacesRoot, { recursive: true });
  const database = await openDatabase(options.databaseFile, options.synchronous ? { synchronous: options.synchronous } : {});
  const bus = createBus();
  const control = new ControlFeed(bus);
  const statsDirty = new Set<string>();
  const writer = new EventWriter({
    store: database.events,
    onCommit(outcome) {
      if (outcome.stored.length > 0) bus.publish("events", outcome.stored);
      for (const event of outcome.stored) statsDirty.add(event.sessionId);
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
  } as ControlRoom;
  room.permissions = new PermissionBroker(room, { timeoutMs: options.permissionTimeoutMs ?? 10 * 60_000 });
  room.tasks = new TaskScheduler(room);
  room.agents = new AgentRegistry(room, {
    drivers: options.drivers,
    dataDir: options.dataDir,
    agentEnv: options.agentEnv ?? {},
    watchdogMs: options.watchdogMs ?? 60_000,
  });
  // Live totals for the pages: at most one update per session per second, however fast events arrive.
  const statsTicker = setInterval(() => {
    for (const sessionId of statsDirty) {
      control.publish({ entity: "stats", id: sessionId, sessionId, action: "updated", data: database.events.stats(sessionId) });
    }
    statsDirty.clear();
  }, 1_000);
  statsTicker.unref();
  await room.agents.recover();
  await room.permissions.closeOrphans();
  room.close = async () => {
    clearInterval(statsTicker);
    await room.agents.shutdown();
    await writer.close();
    await database.close();
  };
  return room;
}
