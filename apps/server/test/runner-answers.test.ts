import pg from "pg";
import { createBus, migratePostgres, openPgReplicaStores, PgSignals } from "@rozet/db";
import { createTestDatabase, startTestPostgres, type TestPostgres } from "@rozet/db/testing";
import { AgentForwarder, RunnerHub, type DriverHost, type ReplicaTopics, type RunnerReport } from "@rozet/orchestrator";
import { silentLogger } from "@rozet/vocabulary";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PgRunnerQueue } from "../src/runners/pg-runner-queue.ts";

/**
 * The runner hubs of two replicas on one Postgres, each with its own queue connection, replica signals, heartbeat row
 * and agent-call box; reports for an agent driven on the other replica go there as forwarded calls.
 */
async function startHub(url: string, name: string, reconnectMs: number) {
  const lost: { agentId: string; reason: string }[] = [];
  const signals = await PgSignals.open<ReplicaTopics>(url, { reconnectMs });
  const stores = await openPgReplicaStores(url, { replicaId: signals.replicaId, name }, 30_000, silentLogger);
  const queue = await PgRunnerQueue.open(url, () => undefined);
  const forwarding: AgentForwarder = new AgentForwarder({
    directory: stores.directory,
    calls: stores.calls,
    replicas: signals,
    log: silentLogger,
    runsHere: (agentId) => drivenHere.has(agentId),
    storedLive: () => Promise.resolve(true),
    pickupMs: 5_000,
    answerMs: 10_000,
  });
  const drivenHere = new Set<string>();
  const hub = new RunnerHub({
    queue,
    log: silentLogger,
    bus: createBus(),
    replicas: signals,
    leaseMs: 30_000,
    lose: (agentId, reason) => {
      lost.push({ agentId, reason });
      return Promise.resolve();
    },
    forwardReport: async (runnerId, report) => (await forwarding.forward(report.agentId, "report", { runnerId, report })) !== null,
  });
  forwarding.serve((kind, input) => {
    if (kind !== "report") throw new Error(`unexpected forwarded call ${kind}`);
    const { runnerId, report } = input as { runnerId: string; report: RunnerReport };
    hub.reportHere(runnerId, report);
    return Promise.resolve(null);
  });
  return {
    hub,
    queue,
    stores,
    drivenHere,
    lost,
    async close() {
      await hub.close();
      await stores.close();
      await signals.close();
    },
  };
}

/**
 * A runner may answer a job on another replica than the one waiting for the answer; the answer then travels as a
 * replica signal, which is lost while the waiting replica's LISTEN connection is down. It is kept with the job too. A
 * runner's report about an agent another replica drives goes there as a forwarded call, kept as a row until taken.
 */
describe("a runner's answers and reports that travel between replicas", () => {
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
    a = await startHub(url, "replica-a", 1_000);
    b = await startHub(url, "replica-b", 250);
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

  /** A drives `agentId` on a runner registered (and polling) through B: the agent runtime's side is a recording host. */
  async function driveOnA(agentId: string, label: string) {
    const { runnerId } = await b.hub.register({ name: `runner-${agentId}`, label, maxAgents: 2 });
    const exits: string[] = [];
    const host = { exited: (reason: string) => void exits.push(reason), activity: () => undefined } as unknown as DriverHost;
    const driver = a.hub.driverFactory(label, "shell")({ agentId, sessionId: "session-2", cwd: "/tmp", config: {}, env: {}, dataDir: "/tmp", host });
    await a.stores.directory.runs(agentId);
    a.drivenHere.add(agentId);
    const started = driver.start();
    const [job] = await b.hub.poll(runnerId, { capacity: 1, waitMs: 10_000 });
    await b.hub.ack(runnerId, { jobId: job!.id, queue: job!.queue, outcome: { ok: true } });
    await started;
    expect(await a.hub.leaseHolder(agentId)).toBe(runnerId);
    return { runnerId, exits };
  }

  const cutListenConnections = () => admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN rozet_signals'`);

  it("a report reaches the replica driving the agent although that replica was cut off when the runner sent it", async () => {
    const { runnerId, exits } = await driveOnA("agent-2", "cpu");
    // The runner reports the agent's exit to B while A's LISTEN connection is down.
    await cutListenConnections();
    // Before, the report went out as a signal A never heard: the agent stayed running there for ever.
    await b.hub.report(runnerId, { kind: "exited", agentId: "agent-2", reason: "the agent's process ended (exit code 3)" });
    expect(exits).toEqual(["the agent's process ended (exit code 3)"]);
    // A report for an agent the runner does not hold is refused, not forwarded.
    await expect(b.hub.report(runnerId, { kind: "exited", agentId: "agent-9", reason: "?" })).rejects.toThrow(/not running on runner/);
  }, 30_000);

  it("a runner lease swept by B while A was cut off loses A's agent once A is back", async () => {
    const { runnerId } = await driveOnA("agent-3", "arm");
    await cutListenConnections();
    // The runner falls silent past its lease (its rows' expiry moved back, not waited for); B sweeps it.
    await admin.query(`UPDATE rozet_runner SET expires_at = now() - interval '1 second' WHERE id = $1`, [runnerId]);
    await admin.query(`UPDATE rozet_runner_lease SET expires_at = now() - interval '1 second' WHERE runner_id = $1`, [runnerId]);
    await b.hub.sweep();
    expect(await b.hub.leaseHolder("agent-3")).toBeNull();
    // B's `runner.lost` went out while A was cut off; A finds the lease gone when its LISTEN connection is back.
    await vi.waitFor(() => expect(a.lost.map((l) => l.agentId)).toContain("agent-3"), { timeout: 10_000, interval: 50 });
    expect(a.lost.find((l) => l.agentId === "agent-3")!.reason).toMatch(/lease on the agent expired/);
  }, 30_000);

  it("two servers creating the same queues at once both go on (pg-boss may abort one of them with a deadlock)", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `race-${i}`);
    // CI saw `deadlock detected` from createQueue when two hubs met a new queue together.
    const fetched = await Promise.all(names.flatMap((name) => [a.queue.fetch(name, 1), b.queue.fetch(name, 1)]));
    expect(fetched).toEqual(names.flatMap(() => [[], []]));
  }, 30_000);
});
