import { mkdirSync } from "node:fs";
import { createBus, EventWriter, openDatabase, type Bus, type Database, type EventStore, type PrismaClient } from "@rozet/db";
import { ControlFeed } from "./control-feed.ts";

export interface ControlRoomOptions {
  databaseFile: string;
  workspacesRoot: string;
  synchronous?: "FULL" | "NORMAL";
}

/** Everything the domain functions need, created once per server and hung on the tRPC context. */
export interface ControlRoom {
  prisma: PrismaClient;
  events: EventStore;
  writer: EventWriter;
  bus: Bus;
  control: ControlFeed;
  workspacesRoot: string;
  database: Database;
  /** Flushes the write queue and closes the database. */
  close(): Promise<void>;
}

export async function createControlRoom(options: ControlRoomOptions): Promise<ControlRoom> {
  mkdirSync(options.workspacesRoot, { recursive: true });
  const database = await openDatabase(options.databaseFile, options.synchronous ? { synchronous: options.synchronous } : {});
  const bus = createBus();
  const control = new ControlFeed(bus);
  const writer = new EventWriter({
    store: database.events,
    onCommit(outcome) {
      if (outcome.stored.length > 0) bus.publish("events", outcome.stored);
      for (const id of outcome.createdSessions) control.publish({ entity: "session", id, sessionId: id, action: "created" });
      for (const agent of outcome.createdAgents) {
        control.publish({ entity: "agent", id: agent.id, sessionId: agent.sessionId, action: "created", status: "idle" });
      }
    },
  });
  return {
    prisma: database.prisma,
    events: database.events,
    writer,
    bus,
    control,
    workspacesRoot: options.workspacesRoot,
    database,
    async close() {
      writer.close();
      await database.close();
    },
  };
}
