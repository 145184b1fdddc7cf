import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPgReplicaStores, PgSignals, type PgReplicaStores } from "@rozet/db";
import { startTestPostgres, type TestPostgres } from "@rozet/db/testing";
import { DomainError, silentLogger } from "@rozet/vocabulary";
import type { ReplicaTopics } from "../src/replica-topics.ts";
import { AgentForwarder, type ForwardedKind } from "../src/replicas/agent-forwarding.ts";
import { waitFor } from "./unit-harness.ts";

/**
 * Replicas as far as forwarding and the sweep go: real signals and real heartbeat rows and call rows on a test
 * Postgres, one forwarder per replica. Replica A runs agent-a and answers its calls; replica C runs agent-c but does
 * not serve calls (stands for a replica that hangs); replica D heartbeats once with a tiny lease and dies.
 */
describe("agent calls and the dead-replica sweep across replicas (unit: rows and signals on Postgres)", () => {
  let postgres: TestPostgres;
  const closers: (() => Promise<void>)[] = [];
  let a: PgReplicaStores;
  let b: PgReplicaStores;
  let fromB: AgentForwarder;
  const ranOnA: { kind: ForwardedKind; input: Record<string, unknown> }[] = [];
  const ranOnC: string[] = [];
  /** Calls on A of kind "interrupt" never answer until this resolves (a replica that took a call and hangs). */
  let releaseHung: () => void = () => undefined;
  const hung = new Promise<void>((resolve) => (releaseHung = resolve));

  async function replica(name: string, leaseMs = 60_000) {
    const signals = await PgSignals.open<ReplicaTopics>(postgres.url);
    const stores = await openPgReplicaStores(postgres.url, { replicaId: signals.replicaId, name }, leaseMs, silentLogger);
    closers.push(() => stores.close(), () => signals.close());
    return { signals, stores };
  }

  function forwarder(r: Awaited<ReturnType<typeof replica>>, runsHere: (agentId: string) => boolean) {
    return new AgentForwarder({ directory: r.stores.directory, calls: r.stores.calls, replicas: r.signals, log: silentLogger, runsHere, storedLive: (agentId) => Promise.resolve(agentId !== "agent-lost"), pickupMs: 400, answerMs: 1_000 });
  }

  beforeAll(async () => {
    postgres = await startTestPostgres({ fsync: false });
    const ra = await replica("replica-a");
    const rb = await replica("replica-b");
    a = ra.stores;
    b = rb.stores;
    await a.directory.runs("agent-a");
    forwarder(ra, (agentId) => agentId === "agent-a").serve(async (kind, input) => {
      ranOnA.push({ kind, input });
      if (kind === "mode") throw new DomainError("INVALID_INPUT", "this agent's driver has no permission modes", { field: "mode" });
      if (kind === "interrupt") await hung;
      return { kind, echoed: input };
    });
    fromB = forwarder(rb, () => false);
  }, 60_000);
  afterAll(async () => {
    releaseHung();
    for (const close of closers.reverse()) await close();
    await postgres?.stop();
  });

  it("a call through B runs on A and answers with A's value; A's own error comes back with its code, message and details", async () => {
    expect(await fromB.forward("agent-a", "command", { agentId: "agent-a", text: "hi" })).toEqual({ value: { kind: "command", echoed: { agentId: "agent-a", text: "hi" } } });
    const refused = await fromB.forward("agent-a", "mode", { agentId: "agent-a", mode: "plan" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: "INVALID_INPUT", message: "this agent's driver has no permission modes", details: { field: "mode" } });
    // An agent nobody records (never launched, or its replica was swept) is handled where the call arrived.
    expect(await fromB.forward("agent-unknown", "command", {})).toBeNull();
    // So is one stored as not live (marked lost by a replica that started after A died): it runs nowhere.
    await a.directory.runs("agent-lost");
    expect(await fromB.forward("agent-lost", "command", {})).toBeNull();
  });

  it("taken but not answered in time: 504 (TIMEOUT) naming the replica", async () => {
    const started = Date.now();
    const error = await fromB.forward("agent-a", "interrupt", { agentId: "agent-a" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TIMEOUT", details: { replica: "replica-a" } });
    expect((error as Error).message).toMatch(/replica replica-a, which took the call but did not answer within 1 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it("never taken: 503 (UNAVAILABLE) naming the replica, and the call is withdrawn so it cannot run later", async () => {
    const rc = await replica("replica-c");
    await rc.stores.directory.runs("agent-c");
    const onC = forwarder(rc, (agentId) => agentId === "agent-c");
    const error = await fromB.forward("agent-c", "command", { agentId: "agent-c", text: "too late" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNAVAILABLE", details: { replica: "replica-c" } });
    expect((error as Error).message).toMatch(/replica replica-c, which did not take the call within 0.4 s \(nothing was done/);
    // C comes back and looks for calls it missed: the withdrawn one is not among them.
    onC.serve((kind) => {
      ranOnC.push(kind);
      return Promise.resolve("ran");
    });
    expect(await rc.stores.calls.pendingIds()).toEqual([]);
    onC.takePending();
    expect(await fromB.forward("agent-c", "command", { agentId: "agent-c", text: "now" })).toEqual({ value: "ran" });
    expect(ranOnC).toEqual(["command"]);
  });

  it("a replica whose heartbeat expired: calls for its agents answer 503 at once; two sweepers take it exactly once, with its agents; it learns it was swept", async () => {
    const rd = await replica("replica-d", 1);
    await rd.stores.directory.runs("agent-d1");
    await rd.stores.directory.runs("agent-d2");
    await waitFor(async () => (await b.directory.ownerOf("agent-d1"))?.alive === false, "replica-d's heartbeat expired");
    await expect(fromB.forward("agent-d1", "command", {})).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/replica replica-d, which stopped answering/) });

    const [byA, byB] = await Promise.all([a.directory.takeExpired(), b.directory.takeExpired()]);
    const taken = [...byA, ...byB].filter((dead) => dead.name === "replica-d");
    expect(taken).toHaveLength(1);
    expect(taken[0]!.agentIds.sort()).toEqual(["agent-d1", "agent-d2"]);
    expect(await a.directory.takeExpired()).toEqual([]);
    // Its agents are nobody's now (calls for them are handled where they arrive: the agents are lost).
    expect(await b.directory.ownerOf("agent-d1")).toBeNull();
    // D was only paused: its next heartbeat finds its row gone (it then stops what it still runs).
    expect(await rd.stores.directory.heartbeat(60_000)).toBe(false);
    expect(await rd.stores.directory.heartbeat(60_000)).toBe(true);
  });
});
