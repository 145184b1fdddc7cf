import { deliveredJobSchema, jobAnswerSchema, runnerQueueName, type DeliveredJob, type ExpiredLease, type JobAnswer, type RunnerJob, type RunnerQueue, type RunnerRecord } from "@rozet/orchestrator";
import { withAdvisoryLock } from "@rozet/db";
import PgBoss from "pg-boss";

/** The advisory lock queue creations take, on every server ("rzqc"). */
const QUEUE_CREATION_LOCK = 0x727a7163;
/** A start job a runner fetched but never answered (it died) goes to another runner after this long. */
const START_JOB_EXPIRE_SECONDS = 60;
/** A runner's own jobs (a prompt runs as long as its turn) are never retried: a prompt must not run twice. */
const RUNNER_JOB_EXPIRE_SECONDS = 24 * 3600 - 1;

/**
 * Runner dispatch on Postgres: pg-boss keeps the jobs (durable, fetched with SKIP LOCKED, expired and retried by
 * its maintenance), and two tables of our own keep the runners and the per-agent leases. Expired leases are taken
 * with one DELETE … RETURNING, so of several servers sweeping at once each lease goes to exactly one.
 */
export class PgRunnerQueue implements RunnerQueue {
  private readonly knownQueues = new Set<string>();

  /** Queue creations of this process, one at a time (see ensureQueue). */
  private creating: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly boss: PgBoss,
    private readonly url: string,
  ) {}

  static async open(url: string, onError: (error: Error) => void): Promise<PgRunnerQueue> {
    const boss = new PgBoss({ connectionString: url, max: 4, application_name: "rozet-runners", schedule: false, supervise: true, maintenanceIntervalSeconds: 30 });
    boss.on("error", onError);
    await boss.start();
    const queue = new PgRunnerQueue(boss, url);
    await queue.sql(`
      CREATE TABLE IF NOT EXISTS rozet_runner (
        id text PRIMARY KEY, name text NOT NULL, label text NOT NULL, max_agents integer NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(), last_seen_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL);
      CREATE TABLE IF NOT EXISTS rozet_runner_lease (
        agent_id text PRIMARY KEY, runner_id text NOT NULL REFERENCES rozet_runner(id) ON DELETE CASCADE, expires_at timestamptz NOT NULL);
      CREATE INDEX IF NOT EXISTS rozet_runner_lease_runner ON rozet_runner_lease (runner_id);`);
    return queue;
  }

  async registerRunner(runner: RunnerRecord, leaseMs: number): Promise<void> {
    await this.sql(`INSERT INTO rozet_runner (id, name, label, max_agents, expires_at) VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond')`, [
      runner.id,
      runner.name,
      runner.label,
      runner.maxAgents,
      leaseMs,
    ]);
    await this.ensureQueue(runnerQueueName(runner.id));
  }

  async findRunner(runnerId: string): Promise<RunnerRecord | null> {
    const { rows } = await this.sql(`SELECT id, name, label, max_agents FROM rozet_runner WHERE id = $1`, [runnerId]);
    const row = rows[0] as { id: string; name: string; label: string; max_agents: number } | undefined;
    return row ? { id: row.id, name: row.name, label: row.label, maxAgents: row.max_agents } : null;
  }

  async heartbeat(runnerId: string, leaseMs: number): Promise<string[] | null> {
    const { rows } = await this.sql(
      `WITH runner AS (
         UPDATE rozet_runner SET last_seen_at = now(), expires_at = now() + $2 * interval '1 millisecond' WHERE id = $1 RETURNING id),
       leases AS (
         UPDATE rozet_runner_lease SET expires_at = now() + $2 * interval '1 millisecond' WHERE runner_id IN (SELECT id FROM runner) RETURNING agent_id)
       SELECT (SELECT count(*) FROM runner)::int AS known, coalesce((SELECT array_agg(agent_id) FROM leases), '{}') AS agents`,
      [runnerId, leaseMs],
    );
    const row = rows[0] as { known: number; agents: string[] };
    return row.known === 0 ? null : row.agents;
  }

  async send(queue: string, job: RunnerJob, options: { retry: boolean }): Promise<string> {
    await this.ensureQueue(queue);
    const id = await this.boss.send(queue, job, options.retry ? { retryLimit: 3, expireInSeconds: START_JOB_EXPIRE_SECONDS } : { retryLimit: 0, expireInSeconds: RUNNER_JOB_EXPIRE_SECONDS });
    if (!id) throw new Error(`pg-boss did not take the job for ${queue}`);
    return id;
  }

  async fetch(queue: string, max: number): Promise<DeliveredJob[]> {
    await this.ensureQueue(queue);
    const jobs = await this.boss.fetch<unknown>(queue, { batchSize: max });
    return jobs.map((job) => deliveredJobSchema.parse({ id: job.id, queue, job: job.data }));
  }

  async answer(queue: string, jobId: string, answer: JobAnswer): Promise<void> {
    if (answer.outcome.ok) await this.boss.complete(queue, jobId, { answer });
    else await this.boss.fail(queue, jobId, { reason: answer.outcome.error, answer });
  }

  async answerOf(queue: string, jobId: string): Promise<JobAnswer | null> {
    const job = await this.boss.getJobById<unknown>(queue, jobId, { includeArchive: true });
    const kept = jobAnswerSchema.safeParse((job?.output as { answer?: unknown } | null | undefined)?.answer);
    return kept.success ? kept.data : null;
  }

  async grantLease(agentId: string, runnerId: string, leaseMs: number): Promise<void> {
    await this.sql(
      `INSERT INTO rozet_runner_lease (agent_id, runner_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (agent_id) DO UPDATE SET runner_id = excluded.runner_id, expires_at = excluded.expires_at`,
      [agentId, runnerId, leaseMs],
    );
  }

  async releaseLease(agentId: string): Promise<void> {
    await this.sql(`DELETE FROM rozet_runner_lease WHERE agent_id = $1`, [agentId]);
  }

  async leaseHolder(agentId: string): Promise<string | null> {
    const { rows } = await this.sql(`SELECT runner_id FROM rozet_runner_lease WHERE agent_id = $1`, [agentId]);
    return (rows[0] as { runner_id: string } | undefined)?.runner_id ?? null;
  }

  async takeExpired(): Promise<ExpiredLease[]> {
    // A runner past its expiry is gone with all its leases (and its queue); a lease past its own expiry too.
    const dead = await this.sql(
      `WITH dead AS (DELETE FROM rozet_runner WHERE expires_at < now() RETURNING id, name, last_seen_at)
       SELECT dead.id AS runner_id, dead.name, dead.last_seen_at, l.agent_id FROM dead LEFT JOIN rozet_runner_lease l ON l.runner_id = dead.id`,
    );
    const stale = await this.sql(
      `DELETE FROM rozet_runner_lease l USING rozet_runner r WHERE l.runner_id = r.id AND l.expires_at < now()
       RETURNING l.agent_id, r.id AS runner_id, r.name, r.last_seen_at`,
    );
    const rows = [...dead.rows, ...stale.rows] as { agent_id: string | null; runner_id: string; name: string; last_seen_at: Date }[];
    for (const runnerId of new Set((dead.rows as { runner_id: string }[]).map((row) => row.runner_id))) {
      // pg-boss 10's delete_queue removes the queue row before dropping its job table: the jobs go first.
      await this.sql(`DELETE FROM pgboss.job WHERE name = $1`, [runnerQueueName(runnerId)]);
      await this.boss.deleteQueue(runnerQueueName(runnerId));
      this.knownQueues.delete(runnerQueueName(runnerId));
    }
    return rows
      .filter((row): row is typeof row & { agent_id: string } => row.agent_id !== null)
      .map((row) => ({ agentId: row.agent_id, runnerId: row.runner_id, runnerName: row.name, lastSeenAt: new Date(row.last_seen_at) }));
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, close: true });
  }

  /**
   * Creating queues at the same time deadlocks inside pg-boss (each creation adds a partition to its job table;
   * Postgres aborts one of them): creations go one at a time, in this process and, under an advisory lock held on a
   * connection of its own, across servers. Queues are created once each, so this is rare.
   */
  private async ensureQueue(name: string): Promise<void> {
    if (this.knownQueues.has(name)) return;
    const created = this.creating.then(async () => {
      if (await this.boss.getQueue(name)) return;
      await withAdvisoryLock(this.url, QUEUE_CREATION_LOCK, async () => {
        if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name);
      });
    });
    this.creating = created.catch(() => undefined);
    await created;
    this.knownQueues.add(name);
  }

  private sql(text: string, values: unknown[] = []): Promise<{ rows: unknown[] }> {
    return this.boss.getDb().executeSql(text, values);
  }
}
