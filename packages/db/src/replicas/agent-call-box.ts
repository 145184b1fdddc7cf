import { randomBytes } from "node:crypto";
import type pg from "pg";

/** A call for an agent that runs on another replica: what to do, for whom, from whom. */
export interface AgentCall {
  id: string;
  agentId: string;
  from: string;
  to: string;
  kind: string;
  input: unknown;
}

/** The owner's answer: the value its own call returned, or the domain error it threw. */
export type AgentCallAnswer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> | undefined } };

export type AgentCallState = { status: "pending" | "taken" | "withdrawn" | "gone" } | { status: "answered"; answer: AgentCallAnswer };

/**
 * Calls between replicas, as rows: the sender posts one, the agent's replica claims it (pending → taken, once),
 * runs it and stores the answer; a sender that gives up withdraws it (pending → withdrawn), so a call is run at most
 * once and never after its sender stopped waiting for the pick-up. The rows are the truth; the replica signals only
 * say "look now".
 */
export class AgentCallBox {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly replicaId: string,
  ) {}

  static async open(pool: pg.Pool, replicaId: string): Promise<AgentCallBox> {
    await pool.query(`
        BEGIN;
        SELECT pg_advisory_xact_lock(${0x63616c6c}); -- "call"
        CREATE UNLOGGED TABLE IF NOT EXISTS rozet_agent_call (
          id text PRIMARY KEY, agent_id text NOT NULL, from_replica text NOT NULL, to_replica text NOT NULL, kind text NOT NULL,
          input text NOT NULL, status text NOT NULL DEFAULT 'pending', answer text, created_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS rozet_agent_call_to ON rozet_agent_call (to_replica, status);
        COMMIT;`);
    return new AgentCallBox(pool, replicaId);
  }

  async post(call: { agentId: string; to: string; kind: string; input: unknown }): Promise<string> {
    const id = randomBytes(12).toString("hex");
    // Calls are answered within seconds; older rows are only kept for a look after the fact.
    await this.pool.query(`DELETE FROM rozet_agent_call WHERE created_at < now() - interval '10 minutes'`);
    await this.pool.query(`INSERT INTO rozet_agent_call (id, agent_id, from_replica, to_replica, kind, input) VALUES ($1, $2, $3, $4, $5, $6)`, [
      id,
      call.agentId,
      this.replicaId,
      call.to,
      call.kind,
      JSON.stringify(call.input),
    ]);
    return id;
  }

  /** Takes a call addressed to this replica while it is still pending; null when it is not (any more). */
  async claim(id: string): Promise<AgentCall | null> {
    const { rows } = await this.pool.query<{ id: string; agent_id: string; from_replica: string; to_replica: string; kind: string; input: string }>(
      `UPDATE rozet_agent_call SET status = 'taken' WHERE id = $1 AND to_replica = $2 AND status = 'pending' RETURNING id, agent_id, from_replica, to_replica, kind, input`,
      [id, this.replicaId],
    );
    const row = rows[0];
    return row ? { id: row.id, agentId: row.agent_id, from: row.from_replica, to: row.to_replica, kind: row.kind, input: JSON.parse(row.input) as unknown } : null;
  }

  /** Calls addressed to this replica that nobody took yet (their signal was missed). */
  async pendingIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM rozet_agent_call WHERE to_replica = $1 AND status = 'pending' ORDER BY created_at`, [this.replicaId]);
    return rows.map((row) => row.id);
  }

  async answer(id: string, answer: AgentCallAnswer): Promise<void> {
    await this.pool.query(`UPDATE rozet_agent_call SET status = 'answered', answer = $2 WHERE id = $1`, [id, JSON.stringify(answer)]);
  }

  async state(id: string): Promise<AgentCallState> {
    const { rows } = await this.pool.query<{ status: string; answer: string | null }>(`SELECT status, answer FROM rozet_agent_call WHERE id = $1`, [id]);
    const row = rows[0];
    if (!row) return { status: "gone" };
    if (row.status === "answered") return { status: "answered", answer: JSON.parse(row.answer!) as AgentCallAnswer };
    return { status: row.status as "pending" | "taken" | "withdrawn" };
  }

  /** The sender stops waiting for the pick-up: true when the call was still pending (it will never run). */
  async withdraw(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`UPDATE rozet_agent_call SET status = 'withdrawn' WHERE id = $1 AND status = 'pending'`, [id]);
    return rowCount === 1;
  }
}
