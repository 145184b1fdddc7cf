import type pg from "pg";

/** A replica as the others know it: its id (the replica signals' id) and the name it is shown by. */
export interface ReplicaInfo {
  replicaId: string;
  name: string;
}

/** The replica an agent runs on, and whether it still renews its heartbeat. */
export interface AgentOwner extends ReplicaInfo {
  alive: boolean;
  lastSeenAt: Date;
}

/** A replica whose heartbeat expired, taken by one sweeping replica, with the agents it ran. */
export interface DeadReplica extends ReplicaInfo {
  lastSeenAt: Date;
  agentIds: string[];
}

/**
 * Which replicas are alive and which one runs which agent. Each replica renews a row with an expiry (its heartbeat)
 * and records the agents it launches; a replica whose row expired is taken by exactly one live replica, with its
 * agents, to be marked lost. With SQLite there is one process: nobody else runs anything.
 */
export interface ReplicaDirectory {
  readonly self: ReplicaInfo;
  /** Renews this replica's row. False when it had been swept meanwhile (another replica took it for dead). */
  heartbeat(leaseMs: number): Promise<boolean>;
  /** This replica runs the agent from now on. */
  runs(agentId: string): Promise<void>;
  /** The replica recorded as running the agent (null: none, or this one's row is gone). */
  ownerOf(agentId: string): Promise<AgentOwner | null>;
  /**
   * Nobody runs these agents any more (start-up recovery found their leases free and marked them lost): their rows
   * go, so a call for one is answered here ("lost, resume it") instead of waiting on a replica that crashed.
   */
  forget(agentIds: string[]): Promise<void>;
  /** Removes replicas (other than this one) whose heartbeat expired; of several replicas sweeping, each goes to one. */
  takeExpired(): Promise<DeadReplica[]>;
  /** Gives this replica's row up (a clean shutdown: its agents were stopped). */
  leave(): Promise<void>;
}

export function localDirectory(): ReplicaDirectory {
  return {
    self: { replicaId: "local", name: "local" },
    heartbeat: () => Promise.resolve(true),
    runs: () => Promise.resolve(),
    ownerOf: () => Promise.resolve(null),
    forget: () => Promise.resolve(),
    takeExpired: () => Promise.resolve([]),
    leave: () => Promise.resolve(),
  };
}

const TABLES = `
BEGIN;
SELECT pg_advisory_xact_lock(${0x72706c63}); -- "rplc": two replicas starting at once create them once
CREATE TABLE IF NOT EXISTS rozet_replica (
  id text PRIMARY KEY, name text NOT NULL, started_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS rozet_replica_agent (
  agent_id text PRIMARY KEY, replica_id text NOT NULL REFERENCES rozet_replica(id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS rozet_replica_agent_replica ON rozet_replica_agent (replica_id);
COMMIT;`;

/** Heartbeat rows in Postgres (tables of our own, like the runners'; created at start). */
export class PgReplicaDirectory implements ReplicaDirectory {
  private constructor(
    private readonly pool: pg.Pool,
    readonly self: ReplicaInfo,
  ) {}

  static async open(pool: pg.Pool, self: ReplicaInfo, leaseMs: number): Promise<PgReplicaDirectory> {
    await pool.query(TABLES);
    const directory = new PgReplicaDirectory(pool, self);
    await directory.heartbeat(leaseMs);
    return directory;
  }

  async heartbeat(leaseMs: number): Promise<boolean> {
    const { rows } = await this.pool.query<{ inserted: boolean }>(
      `INSERT INTO rozet_replica (id, name, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (id) DO UPDATE SET last_seen_at = now(), expires_at = excluded.expires_at
       RETURNING (xmax = 0) AS inserted`,
      [this.self.replicaId, this.self.name, leaseMs],
    );
    return !rows[0]!.inserted;
  }

  async runs(agentId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO rozet_replica_agent (agent_id, replica_id) VALUES ($1, $2) ON CONFLICT (agent_id) DO UPDATE SET replica_id = excluded.replica_id`,
      [agentId, this.self.replicaId],
    );
  }

  async ownerOf(agentId: string): Promise<AgentOwner | null> {
    const { rows } = await this.pool.query<{ id: string; name: string; alive: boolean; last_seen_at: Date }>(
      `SELECT r.id, r.name, r.expires_at > now() AS alive, r.last_seen_at FROM rozet_replica_agent a JOIN rozet_replica r ON r.id = a.replica_id WHERE a.agent_id = $1`,
      [agentId],
    );
    const row = rows[0];
    return row ? { replicaId: row.id, name: row.name, alive: row.alive, lastSeenAt: new Date(row.last_seen_at) } : null;
  }

  async forget(agentIds: string[]): Promise<void> {
    if (agentIds.length === 0) return;
    await this.pool.query(`DELETE FROM rozet_replica_agent WHERE agent_id = ANY($1::text[])`, [agentIds]);
  }

  async takeExpired(): Promise<DeadReplica[]> {
    // One statement: the DELETE takes each expired row once (a second sweeper finds it gone), and the join still sees
    // the agent rows its cascade removes (same snapshot).
    const { rows } = await this.pool.query<{ id: string; name: string; last_seen_at: Date; agent_id: string | null }>(
      `WITH dead AS (DELETE FROM rozet_replica WHERE expires_at < now() AND id <> $1 RETURNING id, name, last_seen_at)
       SELECT dead.id, dead.name, dead.last_seen_at, a.agent_id FROM dead LEFT JOIN rozet_replica_agent a ON a.replica_id = dead.id`,
      [this.self.replicaId],
    );
    const byId = new Map<string, DeadReplica>();
    for (const row of rows) {
      const dead = byId.get(row.id) ?? { replicaId: row.id, name: row.name, lastSeenAt: new Date(row.last_seen_at), agentIds: [] };
      byId.set(row.id, dead);
      if (row.agent_id) dead.agentIds.push(row.agent_id);
    }
    return [...byId.values()];
  }

  async leave(): Promise<void> {
    await this.pool.query(`DELETE FROM rozet_replica WHERE id = $1`, [this.self.replicaId]);
  }
}
