import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgSignals } from "@rozet/db";
import { startTestPostgres, type TestPostgres } from "@rozet/db/testing";
import type { ReplicaTopics } from "../src/replica-topics.ts";
import { PermissionBroker } from "../src/runtime/permission-broker.ts";
import { openUnitStores, seedAgent, seedSession, waitFor, type UnitStores } from "./unit-harness.ts";

/**
 * Two replicas of one control room: one database (a shared SQLite file here: the broker only needs the rows to be
 * shared) and real replica signals over a test Postgres. The agent waits on replica A; answers come to B.
 */
describe("PermissionBroker across replicas (unit: shared database, signals over Postgres)", () => {
  let postgres: TestPostgres;
  let a: UnitStores;
  let b: UnitStores;
  let signalsA: PgSignals<ReplicaTopics>;
  let signalsB: PgSignals<ReplicaTopics>;
  let brokerA: PermissionBroker;
  let brokerB: PermissionBroker;
  let sessionId: string;
  let agentId: string;
  beforeAll(async () => {
    postgres = await startTestPostgres({ fsync: false });
    signalsA = await PgSignals.open<ReplicaTopics>(postgres.url);
    signalsB = await PgSignals.open<ReplicaTopics>(postgres.url);
    a = await openUnitStores({ replicas: signalsA });
    b = await openUnitStores({ databaseFile: a.database.file, replicas: signalsB });
    brokerA = new PermissionBroker({ ...a, timeoutMs: 60_000 });
    brokerB = new PermissionBroker({ ...b, timeoutMs: 60_000 });
    const session = await seedSession(a);
    sessionId = session.id;
    agentId = (await seedAgent(a, session.id, { status: "busy" })).id;
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await signalsA?.close();
    await signalsB?.close();
    await postgres?.stop();
  });

  /** The agent on A asks; resolves with its decision, and the request id once B can see it pending. */
  async function askOnA(toolName: string) {
    const decision = brokerA.request({ sessionId, agentId, commandId: null, request: { toolName, input: { n: 1 } }, signal: new AbortController().signal });
    const id = (await waitFor(async () => (await brokerB.list({ sessionId, status: "pending", limit: 5 })).find((p) => p.toolName === toolName)?.id, "request pending"));
    return { decision, id };
  }

  it("an answer given on B reaches the agent waiting on A; the request is announced on B's control feed too", async () => {
    const announced = new Promise<void>((resolve) =>
      b.bus.subscribe("control", ({ update }) => {
        if (update.entity === "permission" && update.action === "created") resolve();
      }),
    );
    const { decision, id } = await askOnA("Write");
    await announced;
    const answered = await brokerB.respond({ id, answer: { behavior: "allow", updatedInput: { n: 2 } }, answeredBy: "operator-on-b" });
    expect(answered).toMatchObject({ status: "allowed", answeredBy: "operator-on-b" });
    expect(await decision).toEqual({ behavior: "allow", updatedInput: { n: 2 } });
  });

  it("answered on A, then on B: B's answer is ILLEGAL_STATE naming A's, and the agent keeps A's answer", async () => {
    const { decision, id } = await askOnA("Bash");
    await brokerA.respond({ id, answer: { behavior: "deny", message: "no" }, answeredBy: "a" });
    await expect(brokerB.respond({ id, answer: { behavior: "allow" }, answeredBy: "b" })).rejects.toMatchObject({ code: "ILLEGAL_STATE", message: expect.stringContaining("denied (by a)") });
    expect(await decision).toMatchObject({ behavior: "deny", message: "no" });
  });

  it("a rule added on B applies at once to the agent on A (A's cached rules are dropped)", async () => {
    expect(await brokerA.rules(sessionId)).toEqual([]); // cached on A
    const dropped = new Promise<void>((resolve) => signalsA.on("permission.rules", () => resolve()));
    await brokerB.addRule({ sessionId, tool: "Read", pattern: null, action: "allow" });
    await dropped;
    const decision = await brokerA.request({ sessionId, agentId, commandId: null, request: { toolName: "Read", input: { f: 1 } }, signal: new AbortController().signal });
    expect(decision).toEqual({ behavior: "allow", updatedInput: { f: 1 } });
  });
});
