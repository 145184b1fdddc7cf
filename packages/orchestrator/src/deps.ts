import type { AgentLeases, Bus, EventStore, EventWriter, PrismaClient } from "@rozet/db";
import type { Logger } from "@rozet/vocabulary";
import type { ControlFeed } from "./control-feed.ts";
import type { Replicas } from "./replica-topics.ts";

/**
 * The stores and feeds the domain draws from. A service or domain function takes a `Pick` of the few it uses
 * (plus the services it calls, as small interfaces of their own): never the whole control room. This module
 * imports no runtime module, so any of them may use it without an import cycle.
 */
export interface Stores {
  prisma: PrismaClient;
  /** Reads of stored events (payloads, live totals, deleting a session's events). */
  events: EventStore;
  /** The one write path of the timeline. */
  writer: EventWriter;
  bus: Bus;
  control: ControlFeed;
  /** The other replicas on the same Postgres (a no-op with SQLite). */
  replicas: Replicas;
  /** Which agents other replicas run (none with SQLite). */
  leases: AgentLeases;
  /** Where background failures go (never the console). */
  log: Logger;
  workspacesRoot: string;
}
