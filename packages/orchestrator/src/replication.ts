import {
  localDirectory,
  localLeases,
  localSignals,
  openPgReplicaStores,
  PgAgentLeases,
  PgEventFanout,
  PgEventStore,
  PgSignals,
  type AgentCallBox,
  type AgentLeases,
  type Bus,
  type Database,
  type ReplicaDirectory,
} from "@rozet/db";
import type { Logger } from "@rozet/vocabulary";
import type { Replicas, ReplicaTopics } from "./replica-topics.ts";

/** How this process shares its control room with other replicas: through Postgres, or (SQLite) with nobody. */
export interface Replication {
  replicas: Replicas;
  leases: AgentLeases;
  /** Heartbeats and which replica runs which agent (nobody else with SQLite). */
  directory: ReplicaDirectory;
  /** Calls for agents on other replicas (null with SQLite: every agent runs here). */
  calls: AgentCallBox | null;
  /** Committed events reach the bus through the fan-out (every replica's, in seq order), not from the writer. */
  fansOutEvents: boolean;
  close(): Promise<void>;
}

export interface ReplicationOptions {
  database: Database;
  location: string;
  bus: Bus;
  log: Logger;
  /** How this replica is named to the others (in reasons and errors). */
  name: string;
  /** A replica that has not renewed its heartbeat for this long is taken for dead. */
  leaseMs: number;
}

/**
 * On Postgres: replica signals, and the event fan-out publishing every replica's committed events on this bus.
 * `location` is the database URL the store was opened with (the fan-out and the signals LISTEN on connections of
 * their own).
 */
export async function startReplication(deps: ReplicationOptions): Promise<Replication> {
  const { database, location, bus, log } = deps;
  if (!(database.events instanceof PgEventStore)) {
    return { replicas: localSignals<ReplicaTopics>(), leases: localLeases(), directory: localDirectory(), calls: null, fansOutEvents: false, close: () => Promise.resolve() };
  }
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => log.warn({ err: error }, "replication: close failed"));
  };
  try {
    const replicas = await PgSignals.open<ReplicaTopics>(location, { log, idleInTransactionMs: deps.leaseMs });
    closers.push(() => replicas.close());
    const stores = await openPgReplicaStores(location, { replicaId: replicas.replicaId, name: deps.name }, deps.leaseMs, log);
    closers.push(() => stores.close());
    const pgLeases = await PgAgentLeases.open(location, log);
    closers.push(() => pgLeases.close());
    // Holding an agent also records this replica as its owner: calls for it are forwarded here.
    const leases: AgentLeases = {
      hold: async (agentId) => {
        await pgLeases.hold(agentId);
        await stores.directory.runs(agentId);
      },
      heldElsewhere: (agentIds) => pgLeases.heldElsewhere(agentIds),
      close: () => pgLeases.close(),
    };
    const fanout = await PgEventFanout.start({ url: location, store: database.events, log, publish: (batch, origin) => bus.publish("events", batch, origin) });
    closers.push(() => fanout.close());
    return { replicas, leases, directory: stores.directory, calls: stores.calls, fansOutEvents: true, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
