import pg from "pg";
import type { Logger } from "@rozet/vocabulary";

/**
 * Which replica runs which agent. A replica holds a lease on every agent it launches for as long as it lives; at
 * start, a replica treats as left over (lost, their commands failed, their permission requests cancelled) only the
 * agents nobody holds, never the agents another replica is running.
 */
export interface AgentLeases {
  hold(agentId: string): Promise<void>;
  /** Of these agents, the ones another live replica holds. */
  heldElsewhere(agentIds: string[]): Promise<Set<string>>;
  close(): Promise<void>;
}

/** One process (SQLite): every agent in the database is this process's. */
export function localLeases(): AgentLeases {
  return { hold: () => Promise.resolve(), heldElsewhere: () => Promise.resolve(new Set()), close: () => Promise.resolve() };
}

const KEY = "hashtextextended($1::text, 0)";

/**
 * Leases as Postgres session-level advisory locks on a connection of their own: a replica that dies (even kill -9)
 * loses its connection, and with it every lease, at once. A connection the server ends is reopened and the leases
 * taken again (in between, another replica starting could take this replica's agents for left over: logged).
 */
export class PgAgentLeases implements AgentLeases {
  private client: pg.Client | null = null;
  private readonly held = new Set<string>();
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  static async open(url: string, log: Logger): Promise<PgAgentLeases> {
    const leases = new PgAgentLeases(url, log);
    await leases.connect();
    return leases;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url });
    client.on("error", (error) => {
      if (this.client === client) this.client = null;
      if (!this.closed) this.log.warn({ err: error, agents: this.held.size }, "agent leases: connection lost; leases are taken again on the next use");
    });
    await client.connect();
    for (const agentId of this.held) {
      const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${KEY}) AS ok`, [agentId]);
      if (!rows[0]!.ok) this.log.warn({ agentId }, "agent leases: another replica took this agent's lease meanwhile");
    }
    this.client = client;
    return client;
  }

  private connection(): Promise<pg.Client> {
    return this.client ? Promise.resolve(this.client) : this.connect();
  }

  async hold(agentId: string): Promise<void> {
    if (this.held.has(agentId)) return;
    const client = await this.connection();
    await client.query(`SELECT pg_try_advisory_lock(${KEY})`, [agentId]);
    this.held.add(agentId);
  }

  async heldElsewhere(agentIds: string[]): Promise<Set<string>> {
    const client = await this.connection();
    const elsewhere = new Set<string>();
    for (const agentId of agentIds) {
      // Re-entrant: a lease of ours is taken a second time here, and given back once below.
      const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${KEY}) AS ok`, [agentId]);
      if (rows[0]!.ok) await client.query(`SELECT pg_advisory_unlock(${KEY})`, [agentId]);
      else elsewhere.add(agentId);
    }
    return elsewhere;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
