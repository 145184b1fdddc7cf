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
/** Reconnecting after the lease connection is lost: first try, then doubling up to this. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Leases as Postgres session-level advisory locks on a connection of their own: a replica that dies (even kill -9)
 * loses its connection, and with it every lease, at once. A connection the server ends (a Postgres restart, a
 * failover) is reopened at once, retried with backoff, and the leases taken again: until then another replica
 * starting could take this replica's agents for left over (logged).
 */
export class PgAgentLeases implements AgentLeases {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private retry: NodeJS.Timeout | null = null;
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
      if (this.closed) return;
      this.log.warn({ err: error, agents: this.held.size }, "agent leases: connection lost; taking the leases again");
      this.reconnectSoon(RETRY_FIRST_MS);
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
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** Not waiting for the next use: the leases protect agents only while they are held. */
  private reconnectSoon(delayMs: number): void {
    if (this.retry || this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.closed || this.client) return;
      this.connection().catch((error: unknown) => {
        this.log.warn({ err: error, agents: this.held.size }, "agent leases: cannot reconnect yet");
        this.reconnectSoon(Math.min(delayMs * 2, RETRY_MAX_MS));
      });
    }, delayMs);
    this.retry.unref();
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
    if (this.retry) clearTimeout(this.retry);
    await this.connecting?.catch(() => undefined);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
