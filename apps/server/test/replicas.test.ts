import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createTestDatabase, startTestPostgres, type TestPostgres } from "@rozet/db/testing";
import { startModelStub } from "@rozet/model-stub";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { stubEnv, waitForAsync } from "./agent-harness.ts";
import { clientFor, legacyEvent, postJson, removeHome, ROZET_BIN, startProxy, tempHome, waitFor } from "./harness.ts";
import { startServerProcess, stopServerProcess, type ServerProcess } from "./server-process.ts";

/**
 * Two `rozet start` processes on one Postgres (issue 12): real child processes, so one can be killed with SIGKILL.
 * Clients reach them through one address (a TCP proxy standing for the load balancer).
 */
describe("two server replicas on one Postgres", () => {
  let postgres: TestPostgres;
  let url: string;
  const homes: string[] = [tempHome(), tempHome()];
  let a: ServerProcess;
  let b: ServerProcess;
  const cleanups: (() => Promise<unknown> | void)[] = [];
  /** The Claude Code agent the first test runs on A. */
  let agentOnA = "";
  const port = (server: ServerProcess) => Number(new URL(server.url).port);
  /** A short heartbeat lease, so a replica that stops answering is swept within seconds. */
  const LEASE_MS = 4_000;
  /** One workspaces root for every replica (as a shared volume would be): a task may run again on another replica. */
  const workspaces = tempHome();
  homes.push(workspaces);
  const replicaEnv = (name: string) => ({ ROZET_DATABASE_URL: url, ROZET_REPLICA_NAME: name, ROZET_REPLICA_LEASE_MS: String(LEASE_MS), ROZET_WORKSPACES: workspaces });

  beforeAll(async () => {
    postgres = await startTestPostgres({ fsync: false });
    url = await createTestDatabase(postgres, "replicas");
    a = await startServerProcess(homes[0]!, replicaEnv("replica-a"));
    b = await startServerProcess(homes[1]!, replicaEnv("replica-b"));
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

  it("a shell agent on A is driven through B: a command, an interrupt and a refused mode change get A's answers; events and completion arrive; archiving through B stops it", { timeout: 120_000 }, async () => {
    const onA = clientFor(a.url);
    const onB = clientFor(b.url);
    cleanups.push(() => onA.close(), () => onB.close());
    const session = await onA.api.session.create.mutate({ name: "forwarded" });
    const agent = await onA.api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
    await waitForAsync(async () => (await onA.api.agent.get.query({ id: agent.id })).status === "idle", 30_000, "shell agent idle on A");
    const finished = (commandId: string) =>
      waitForAsync(async () => {
        const [latest] = (await onB.api.agent.commands.query({ agentId: agent.id, limit: 10 })).filter((c) => c.id === commandId);
        return latest && ["completed", "failed", "cancelled"].includes(latest.status) && latest;
      }, 30_000, `command ${commandId} finished`);

    // Without forwarding, B answered 409: the agent does not run there.
    const echo = await onB.api.agent.command.mutate({ sessionId: session.id, agentId: agent.id, text: "echo forwarded-through-b" });
    expect(echo).toMatchObject({ kind: "prompt", status: "accepted", issuedBy: expect.any(String) });
    expect((await finished(echo.id)).status).toBe("completed");
    const output = await onB.api.event.timeline.query({ sessionId: session.id, agentId: agent.id, types: ["shell.output"], limit: 20 });
    expect(output.events.some((e) => e.commandId === echo.id && e.summary?.includes("forwarded-through-b"))).toBe(true);

    const sleeper = await onB.api.agent.command.mutate({ sessionId: session.id, agentId: agent.id, text: "sleep 30" });
    await waitForAsync(async () => (await onB.api.agent.get.query({ id: agent.id })).status === "busy", 30_000, "the sleep running on A");
    const interrupt = await onB.api.agent.interrupt.mutate({ sessionId: session.id, agentId: agent.id });
    expect(interrupt).toMatchObject({ kind: "interrupt", status: "completed", result: expect.stringMatching(/^interrupted/) });
    expect((await finished(sleeper.id)).status).toBe("cancelled");

    // The owner's own refusal comes back with its code and message.
    await expect(onB.api.agent.setMode.mutate({ agentId: agent.id, mode: "plan" })).rejects.toMatchObject({ data: { code: "BAD_REQUEST", httpStatus: 400 }, message: expect.stringMatching(/no permission modes/) });

    // What forwarding costs: the answer to a prompt (accepted) sent to A itself and through B, 10 each.
    const acceptedIn = async (client: typeof onA) => {
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        const sent = await client.api.agent.command.mutate({ sessionId: session.id, agentId: agent.id, text: "true" });
        times.push(performance.now() - started);
        await finished(sent.id);
      }
      return times.sort((x, y) => x - y)[5]!.toFixed(1);
    };
    console.info(`prompt accepted, median of 10: on A ${await acceptedIn(onA)} ms, through B ${await acceptedIn(onB)} ms`);

    // Archiving the session through B stops its agent on A.
    await onB.api.session.archive.mutate({ id: session.id });
    expect((await onB.api.agent.get.query({ id: agent.id })).status).toBe("stopped");
  });

  it("tasks created through B for a shell agent on A (named, or any idle agent) run on A", { timeout: 120_000 }, async () => {
    const onA = clientFor(a.url);
    const onB = clientFor(b.url);
    cleanups.push(() => onA.close(), () => onB.close());
    const session = await onA.api.session.create.mutate({ name: "tasks-across" });
    const agent = await onA.api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
    await waitForAsync(async () => (await onA.api.agent.get.query({ id: agent.id })).status === "idle", 30_000, "shell agent idle on A");
    const finished = (taskId: string) =>
      waitForAsync(async () => {
        const now = await onB.api.task.get.query({ id: taskId });
        return ["completed", "failed", "cancelled", "blocked"].includes(now.status) && now;
      }, 30_000, `task ${taskId} finished`);
    // Before, B's scheduling pass found no such agent among its own and left the task pending; A was never asked.
    const named = await onB.api.task.create.mutate({ sessionId: session.id, title: "named", prompt: "echo named-task", agentId: agent.id });
    expect(await finished(named.id)).toMatchObject({ status: "completed", agentId: agent.id });
    const anyIdle = await onB.api.task.create.mutate({ sessionId: session.id, title: "any idle", prompt: "echo any-idle-task" });
    expect(await finished(anyIdle.id)).toMatchObject({ status: "completed", agentId: agent.id });
  });

  it("a replica that stops answering: a command for its agent through B gets 503 naming it; killed, its agent goes lost with the reason and its task runs again elsewhere", { timeout: 180_000 }, async () => {
    const homeC = tempHome();
    homes.push(homeC);
    const c = await startServerProcess(homeC, replicaEnv("replica-c"));
    const onC = clientFor(c.url);
    const onB = clientFor(b.url);
    cleanups.push(() => onC.close(), () => onB.close());
    // Right after this test, pass or fail: a replica left stopped would hold its connections into the next tests.
    onTestFinished(() => {
      // Still stopped (a failed assertion before the kill): SIGTERM would wait forever.
      c.child.kill("SIGKILL");
      return c.exited.then(() => undefined);
    });
    const session = await onC.api.session.create.mutate({ name: "sweep" });
    // First run: marks its try and sleeps (C dies meanwhile); the run after the re-dispatch finds the mark and finishes.
    const prompt = "if [ -e tried ]; then echo second-try; else touch tried; sleep 20; fi";
    const task = await onC.api.task.create.mutate({ sessionId: session.id, title: "survive", prompt, agentProfile: { driver: "shell" } });
    const running = await waitForAsync(async () => {
      const now = await onB.api.task.get.query({ id: task.id });
      return now.status === "running" && now;
    }, 60_000, "the task running on C");
    const agentId = running.agentId!;

    c.child.kill("SIGSTOP");
    const stoppedAt = Date.now();
    const refused = await onB.api.agent.command.mutate({ sessionId: session.id, agentId, text: "echo hello" }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ data: { httpStatus: 503 }, message: expect.stringMatching(/replica replica-c/) });

    const lost = await waitForAsync(async () => {
      const now = await onB.api.agent.get.query({ id: agentId });
      return now.status === "lost" && now;
    }, 30_000, "C's agent lost");
    const lostAfterMs = Date.now() - stoppedAt;
    c.child.kill("SIGKILL");
    await c.exited;
    expect(lost.lastError).toMatch(/^replica replica-c stopped answering/);
    console.info(`agent of a stopped replica lost after ${lostAfterMs} ms (lease ${LEASE_MS} ms)`);
    expect(lostAfterMs).toBeLessThan(LEASE_MS * 3);
    const statusEvents = await onB.api.event.timeline.query({ sessionId: session.id, agentId, types: ["agent.status"], limit: 20 });
    expect(statusEvents.events.some((e) => e.summary?.includes("→ lost: replica replica-c stopped answering"))).toBe(true);

    const done = await waitForAsync(async () => {
      const now = await onB.api.task.get.query({ id: task.id });
      return ["completed", "failed", "cancelled", "blocked"].includes(now.status) && now;
    }, 60_000, "the task re-dispatched and finished");
    expect(done).toMatchObject({ status: "completed" });
    expect(done.agentId).not.toBe(agentId);
    const requeued = await onB.api.event.timeline.query({ sessionId: session.id, taskId: task.id, types: ["task.requeued"], limit: 5 });
    expect(requeued.events[0]?.summary).toMatch(/re-dispatched \(replica replica-c stopped answering/);
  });

  it("a replica paused longer than its lease comes back: it stops the agents swept meanwhile, and the task re-dispatched elsewhere keeps its outcome", { timeout: 180_000 }, async () => {
    const homeD = tempHome();
    homes.push(homeD);
    const d = await startServerProcess(homeD, replicaEnv("replica-d"));
    const onD = clientFor(d.url);
    const onB = clientFor(b.url);
    cleanups.push(() => onD.close(), () => onB.close());
    onTestFinished(() => {
      d.child.kill("SIGCONT");
      return stopServerProcess(d).catch(() => undefined);
    });
    const session = await onD.api.session.create.mutate({ name: "paused" });
    const prompt = "if [ -e tried-d ]; then echo second-try; else touch tried-d; sleep 20; fi";
    const task = await onD.api.task.create.mutate({ sessionId: session.id, title: "outlive", prompt, agentProfile: { driver: "shell" } });
    const running = await waitForAsync(async () => {
      const now = await onB.api.task.get.query({ id: task.id });
      return now.status === "running" && now;
    }, 60_000, "the task running on D");
    const agentId = running.agentId!;

    d.child.kill("SIGSTOP");
    await waitForAsync(async () => (await onB.api.agent.get.query({ id: agentId })).status === "lost", 30_000, "D's agent lost");
    const completed = await waitForAsync(async () => {
      const now = await onB.api.task.get.query({ id: task.id });
      return now.status === "completed" && now;
    }, 60_000, "the task re-dispatched and completed");
    expect(completed.agentId).not.toBe(agentId);

    // Back: its next heartbeat finds it was swept, and it stops the agent (whose turn it still ran).
    d.child.kill("SIGCONT");
    const stopped = await waitForAsync(async () => {
      const now = await onB.api.agent.get.query({ id: agentId });
      return now.status === "stopped" && now;
    }, 30_000, "D's agent stopped by D");
    expect(stopped.lastError).toMatch(/^replica replica-d stopped answering/);
    // On the timeline: lost (by the sweeper), then stopping and stopped (by D).
    await waitForAsync(async () => {
      const { events } = await onB.api.event.timeline.query({ sessionId: session.id, agentId, types: ["agent.status"], limit: 20 });
      return events.map((e) => e.status).join(",").endsWith("lost,stopping,stopped");
    }, 10_000, "lost, stopping, stopped on the timeline");
    // Its turn's end did not overwrite the task that ran again elsewhere.
    expect(await onB.api.task.get.query({ id: task.id })).toMatchObject({ status: "completed", agentId: completed.agentId });
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

/**
 * A runner reaches the control room through a balancer, so it may talk to a replica other than the one that started
 * its agent (and waits for the runner's answers): answers and reports travel between the replicas.
 */
describe("a runner that talks to replica B runs the agent replica A started", () => {
  const TOKEN = "replica-runner-token-0123456789";
  let postgres: TestPostgres;
  let a: ServerProcess;
  let b: ServerProcess;
  let runner: ChildProcess | undefined;
  const homes: string[] = [tempHome(), tempHome(), tempHome(), tempHome()];

  beforeAll(async () => {
    postgres = await startTestPostgres({ fsync: false });
    const url = await createTestDatabase(postgres, "runner_replicas");
    const env = (name: string) => ({ ROZET_DATABASE_URL: url, ROZET_TOKEN: TOKEN, ROZET_REPLICA_NAME: name, ROZET_WORKSPACES: homes[3]! });
    a = await startServerProcess(homes[0]!, env("replica-a"));
    b = await startServerProcess(homes[1]!, env("replica-b"));
  }, 120_000);
  afterAll(async () => {
    if (runner && runner.exitCode === null && runner.signalCode === null) {
      const gone = new Promise((resolve) => runner!.once("exit", resolve));
      runner.kill("SIGTERM");
      await gone;
    }
    await stopServerProcess(a).catch(() => undefined);
    await stopServerProcess(b).catch(() => undefined);
    await postgres?.stop();
    for (const home of homes) removeHome(home);
  }, 60_000);

  it("the agent starts on the runner (its start answered through B), and a command sent through B completes with its output", { timeout: 120_000 }, async () => {
    runner = spawn(process.execPath, [ROZET_BIN, "runner", "--server", b.url, "--token", TOKEN, "--name", "runner-b", "--label", "gpu", "--home", homes[2]!], {
      env: { ...process.env, ROZET_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    runner.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    runner.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes("is up"), 30_000, "runner up");
    const onA = clientFor(a.url, TOKEN);
    const onB = clientFor(b.url, TOKEN);
    try {
      const session = await onA.api.session.create.mutate({ name: "runner-replicas" });
      const agent = await onA.api.agent.create.mutate({ sessionId: session.id, name: "on-runner", driver: "shell", runnerLabel: "gpu" });
      // Before answers travelled between replicas, the runner's answer to the start job reached B only: `starting` for ever.
      await waitForAsync(async () => (await onA.api.agent.get.query({ id: agent.id })).status === "idle", 30_000, `agent idle on the runner (${output})`);

      const command = await onB.api.agent.command.mutate({ sessionId: session.id, agentId: agent.id, text: "echo ran-on-$ROZET_RUNNER_NAME" });
      const done = await waitForAsync(async () => {
        const [latest] = (await onB.api.agent.commands.query({ agentId: agent.id, limit: 5 })).filter((c) => c.id === command.id);
        return latest && ["completed", "failed", "cancelled"].includes(latest.status) && latest;
      }, 30_000, "the command finished");
      expect(done.status).toBe("completed");
      const shellOutput = await onB.api.event.timeline.query({ sessionId: session.id, types: ["shell.output"], limit: 10 });
      expect(shellOutput.events.map((e) => [e.summary, e.commandId])).toContainEqual(["stdout: ran-on-runner-b", command.id]);
    } finally {
      await onA.close();
      await onB.close();
    }
  });
});
