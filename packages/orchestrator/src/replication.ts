import { localLeases, localSignals, PgAgentLeases, PgEventFanout, PgEventStore, PgSignals, type AgentLeases, type Bus, type Database } from "@rozet/db";
import type { Logger } from "@rozet/vocabulary";
import type { Replicas, ReplicaTopics } from "./replica-topics.ts";

/** How this process shares its control room with other replicas: through Postgres, or (SQLite) with nobody. */
export interface Replication {
  replicas: Replicas;
  leases: AgentLeases;
  /** Committed events reach the bus through the fan-out (every replica's, in seq order), not from the writer. */
  fansOutEvents: boolean;
  close(): Promise<void>;
}

/**
 * On Postgres: replica signals, and the event fan-out publishing every replica's committed events on this bus.
 * `location` is the database URL the store was opened with (the fan-out and the signals LISTEN on connections of
 * their own).
 */
export async function startReplication(deps: { database: Database; location: string; bus: Bus; log: Logger }): Promise<Replication> {
  const { database, location, bus, log } = deps;
  if (!(database.events instanceof PgEventStore)) return { replicas: localSignals<ReplicaTopics>(), leases: localLeases(), fansOutEvents: false, close: () => Promise.resolve() };
  const replicas = await PgSignals.open<ReplicaTopics>(location, { log });
  const leases = await PgAgentLeases.open(location, log).catch(async (error: unknown) => {
    await replicas.close();
    throw error;
  });
  try {
    const fanout = await PgEventFanout.start({ url: location, store: database.events, log, publish: (batch, origin) => bus.publish("events", batch, origin) });
    return {
      replicas,
      leases,
      fansOutEvents: true,
      async close() {
        await fanout.close();
        await replicas.close();
        await leases.close();
      },
    };
  } catch (error) {
    await replicas.close();
    await leases.close();
    throw error;
  }
}
