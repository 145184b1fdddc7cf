import { existsSync } from "node:fs";
import path from "node:path";
import { createTestDatabase, startTestPostgres, type TestPostgres } from "@rozet/db/testing";
import { startModelStub } from "@rozet/model-stub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stubEnv, waitForAsync } from "./agent-harness.ts";
import { clientFor, legacyEvent, postJson, removeHome, startProxy, tempHome, waitFor } from "./harness.ts";
import { startServerProcess, stopServerProcess, type ServerProcess } from "./server-process.ts";

/**
 * Two `rozet start` processes on one Postgres (issue 12): real child processes, so one can be killed with SIGKILL.
 * Clients reach them through one address (a TCP proxy standing for the load balancer).
 */
describe("two server replicas on one Postgres", () => {
  let postgres: TestPostgres;
  let url: string;
  const homes = [tempHome(), tempHome()];
  let a: ServerProcess;
  let b: ServerProcess;
  const cleanups: (() => Promise<unknown> | void)[] = [];
  /** The Claude Code agent the first test runs on A. */
  let agentOnA = "";
  const port = (server: ServerProcess) => Number(new URL(server.url).port);

  beforeAll(async () => {
    postgres = await startTestPostgres({ fsync: false });
    url = await createTestDatabase(postgres, "replicas");
    a = await startServerProcess(homes[0]!, { ROZET_DATABASE_URL: url });
    b = await startServerProcess(homes[1]!, { ROZET_DATABASE_URL: url });
  }, 120_000);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await stopServerProcess(a).catch(() => undefined);
    await stopServerProcess(b).catch(() => undefined);
    await postgres?.stop();
    for (const home of homes) removeHome(home);
  });

  async function ingest(server: ServerProcess, from: number, count: number) {
    const events = Array.from({ length: count }, (_, i) => legacyEvent(from + i, { source_app: "replicas", session_id: "replicated" }));
    const res = await postJson(`${server.url}/api/events`, events);
    expect(res.status).toBe(200);
    return res.body.results as { seq: number; sessionId: string }[];
  }

  it("a permission answer given on B reaches the Claude Code agent running on A; B's control feed shows the request", { timeout: 180_000 }, async () => {
    const stub = await startModelStub({
      scenario: { steps: [{ content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/from-a.txt", content: "answered on b\n" } } }] }, { content: [{ text: "Wrote it." }] }], fallback: { content: [{ text: "Nothing else." }] } },
    });
    cleanups.push(() => stub.close());
    const onA = clientFor(a.url);
    const onB = clientFor(b.url);
    cleanups.push(() => onA.close(), () => onB.close());
    const session = await onA.api.session.create.mutate({ name: "replicas" });
    const agent = await onA.api.agent.create.mutate({ sessionId: session.id, name: "claude", driver: "claude", config: { env: stubEnv(stub.url) } });
    await waitForAsync(async () => (await onA.api.agent.get.query({ id: agent.id })).status === "idle", 60_000, "agent idle on A");
    agentOnA = agent.id;

    const seenOnB: string[] = [];
    const feed = onB.api.control.onUpdate.subscribe({ sessionId: session.id }, { onData: ({ data }) => void (data.entity === "permission" && seenOnB.push(`${data.action}:${data.status}`)) });
    cleanups.push(() => feed.unsubscribe());
    const command = await onA.api.agent.command.mutate({ agentId: agent.id, text: "write the file" });
    const [request] = await waitForAsync(async () => {
      const pending = await onB.api.permission.list.query({ sessionId: session.id, status: "pending", limit: 5 });
      return pending.length > 0 && pending;
    }, 60_000, "the request pending, seen on B");
    await waitFor(() => seenOnB.includes("created:pending"), 10_000, "the request on B's control feed");

    const answer = await onB.api.agent.respondPermission.mutate({ requestId: request!.id, answer: { behavior: "allow" } });
    expect(answer.permission).toMatchObject({ status: "allowed" });
    const done = await waitForAsync(async () => {
      const [latest] = await onB.api.agent.commands.query({ agentId: agent.id, limit: 5 }).then((list) => list.filter((c) => c.id === command.id));
      return latest && ["completed", "failed", "cancelled"].includes(latest.status) && latest;
    }, 60_000, "the prompt finished on A");
    expect(done.status).toBe("completed");
    expect(existsSync(path.join(session.workspaceRoot!, "from-a.txt"))).toBe(true);
    await waitFor(() => seenOnB.includes("updated:allowed"), 10_000, "the answer on B's control feed");
  });

  it("a replica that starts while A runs an agent leaves it alone (A holds its lease); A still drives it", { timeout: 120_000 }, async () => {
    const homeC = tempHome();
    homes.push(homeC);
    const c = await startServerProcess(homeC, { ROZET_DATABASE_URL: url });
    const onC = clientFor(c.url);
    try {
      // Without leases, C's start-up recovery would have taken it for left over by a crashed server: lost.
      expect((await onC.api.agent.get.query({ id: agentOnA })).status).toBe("idle");
    } finally {
      await onC.close();
      await stopServerProcess(c);
    }
    const onA = clientFor(a.url);
    cleanups.push(() => onA.close());
    const command = await onA.api.agent.command.mutate({ agentId: agentOnA, text: "anything else?" });
    const done = await waitForAsync(async () => {
      const [latest] = (await onA.api.agent.commands.query({ agentId: agentOnA, limit: 5 })).filter((c) => c.id === command.id);
      return latest && ["completed", "failed", "cancelled"].includes(latest.status) && latest;
    }, 60_000, "the second prompt finished on A");
    expect(done.status).toBe("completed");
  });

  it("ingest on A, subscribe on B through one address; B killed with SIGKILL mid-stream: the client resumes on A with no gap and no duplicate", { timeout: 120_000 }, async () => {
    const proxy = await startProxy(port(b));
    const client = clientFor(proxy.url);
    cleanups.push(() => client.close(), () => proxy.close());
    const [first] = await ingest(a, 0, 1);
    const received: number[] = [];
    const sub = client.api.event.subscribe.subscribe({ sessionId: first!.sessionId, lastEventId: String(first!.seq) }, { onData: (e) => void received.push(e.data.seq) });
    cleanups.push(() => sub.unsubscribe());

    const expected: number[] = [];
    for (let round = 0; round < 30; round++) {
      expected.push(...(await ingest(a, 1 + round * 50, 50)).map((r) => r.seq));
      if (round === 10) {
        // Live on B (events committed on A, fanned out to B) before B dies.
        await waitFor(() => received.length > 0, 10_000, "events through B before the kill");
        b.child.kill("SIGKILL");
        await b.exited;
        proxy.retarget(port(a));
        proxy.cutAll();
      }
    }
    // One more event after everything: once it is in, nothing before it is still on the way.
    const [last] = await ingest(a, 10_000, 1);
    expected.push(last!.seq);
    await waitFor(() => received.includes(last!.seq), 30_000, `all ${expected.length} events (got ${received.length})`);
    expect(received.length).toBeLessThan(expected.length + 1);
    expect(received).toEqual(expected);
  });
});
