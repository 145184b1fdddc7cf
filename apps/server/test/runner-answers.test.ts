import pg from "pg";
import { createBus, migratePostgres, PgSignals } from "@rozet/db";
import { createTestDatabase, startTestPostgres, type TestPostgres } from "@rozet/db/testing";
import { RunnerHub, type ReplicaTopics } from "@rozet/orchestrator";
import { silentLogger } from "@rozet/vocabulary";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgRunnerQueue } from "../src/runners/pg-runner-queue.ts";

/** The runner hubs of two replicas on one Postgres, each with its own queue connection and replica signals. */
async function startHub(url: string, reconnectMs: number) {
  const signals = await PgSignals.open<ReplicaTopics>(url, { reconnectMs });
  const queue = await PgRunnerQueue.open(url, () => undefined);
  const hub = new RunnerHub({ queue, log: silentLogger, bus: createBus(), replicas: signals, leaseMs: 30_000, lose: () => Promise.resolve() });
  return {
    hub,
    queue,
    async close() {
      await hub.close();
      await signals.close();
    },
  };
}

/**
 * A runner may answer a job on another replica than the one waiting for the answer; the answer then travels as a
 * replica signal, which is lost while the waiting replica's LISTEN connection is down. It is kept with the job too.
 */
describe("a runner's answer that travels between replicas", () => {
  let postgres: TestPostgres;
  let url: string;
  let admin: pg.Client;
  let a: Awaited<ReturnType<typeof startHub>>;
  let b: Awaited<ReturnType<typeof startHub>>;
  beforeAll(async () => {
    postgres = await startTestPostgres({ fsync: false });
    url = await createTestDatabase(postgres, "runner_answers");
    await migratePostgres(url);
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // A reconnects its LISTEN connection only after a second: long enough for B's signal to be sent meanwhile.
    a = await startHub(url, 1_000);
    b = await startHub(url, 250);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin?.end();
    await postgres?.stop();
  });

  it("reaches the replica waiting for it although the signal went out while that replica was cut off", async () => {
    const { runnerId } = await b.hub.register({ name: "runner-1", label: "gpu", maxAgents: 2 });
    // A sends a start job and waits for its answer.
    const answer = a.hub.send("agent-1", { kind: "start", agentId: "agent-1", sessionId: "session-1", driver: "shell", config: {} }, null, "gpu");
    const [job] = await b.hub.poll(runnerId, { capacity: 1, waitMs: 10_000 });
    expect(job).toMatchObject({ job: { kind: "start", agentId: "agent-1" } });

    // Cut A's LISTEN connection (the signals one), then answer on B while A is still reconnecting.
    const listening = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN rozet_signals'`);
    expect(listening.rows).toHaveLength(2);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN rozet_signals'`);
    await b.hub.ack(runnerId, { jobId: job!.id, queue: job!.queue, outcome: { ok: true, externalSessionId: "ext-1" } });

    // Before, A waited for ever: the answer's signal was gone. Now it reads the answer kept with the job.
    const outcome = await answer;
    expect(outcome).toMatchObject({ ok: true, externalSessionId: "ext-1", runnerId });
    expect(await a.hub.leaseHolder("agent-1")).toBe(runnerId);
  }, 30_000);

  it("two servers creating the same queues at once both go on (pg-boss may abort one of them with a deadlock)", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `race-${i}`);
    // CI saw `deadlock detected` from createQueue when two hubs met a new queue together.
    const fetched = await Promise.all(names.flatMap((name) => [a.queue.fetch(name, 1), b.queue.fetch(name, 1)]));
    expect(fetched).toEqual(names.flatMap(() => [[], []]));
  }, 30_000);
});
