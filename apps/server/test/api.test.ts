import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { clientFor, legacyEvent, postJson, serverForFile, type TestServer, waitFor } from "./harness.ts";

let server: TestServer;
let client: ReturnType<typeof clientFor>;
serverForFile((started, startedClient) => {
  server = started;
  client = startedClient;
});

describe("system", () => {
  it("reports health and info", async () => {
    const health = await client.api.system.health.query();
    expect(health.ok).toBe(true);
    const info = await client.api.system.info.query();
    expect(info.database).toBe(server.room.database.file);
    expect(info.workspacesRoot).toContain(server.home);
  });
});

describe("sessions", () => {
  it("creates, lists, gets, archives and deletes a session, publishing each change", async () => {
    const updates: { entity: string; action: string; id: string }[] = [];
    // The server listens to control updates itself (metrics): wait for one more listener, ours.
    const listeners = server.room.bus.listenerCount("control");
    const sub = client.api.control.onUpdate.subscribe({}, { onData: (u) => updates.push(u.data) });
    await waitFor(() => server.room.bus.listenerCount("control") > listeners, 5_000, "control subscription");

    const created = await client.api.session.create.mutate({ name: "Refactor auth" });
    expect(created.status).toBe("active");
    expect(created.workspaceRoot).toContain(`${server.home}/workspaces/refactor-auth-`);

    const listed = await client.api.session.list.query();
    expect(listed.find((s) => s.id === created.id)).toMatchObject({ name: "Refactor auth", events: 0, agents: 0 });
    expect(await client.api.session.get.query({ id: created.id })).toEqual(created);

    const archived = await client.api.session.archive.mutate({ id: created.id });
    expect(archived.status).toBe("archived");
    expect((await client.api.session.list.query({ status: "active", limit: 100 })).some((s) => s.id === created.id)).toBe(false);

    await expect(client.api.session.archive.mutate({ id: created.id })).rejects.toMatchObject({
      data: { code: "CONFLICT", domainCode: "ILLEGAL_STATE" },
    });

    expect(await client.api.session.delete.mutate({ id: created.id })).toEqual({ id: created.id, deleted: true });
    await expect(client.api.session.get.query({ id: created.id })).rejects.toMatchObject({
      data: { code: "NOT_FOUND", httpStatus: 404, domainCode: "NOT_FOUND" },
    });

    await waitFor(() => updates.some((u) => u.action === "deleted" && u.id === created.id), 5_000, "delete update");
    expect(updates.filter((u) => u.id === created.id).map((u) => u.action)).toEqual(["created", "updated", "deleted"]);
    sub.unsubscribe();
  });

  it("refuses a workspace outside the workspaces root", async () => {
    await expect(client.api.session.create.mutate({ name: "escape", workspace: "../../etc" })).rejects.toMatchObject({
      data: { code: "FORBIDDEN", domainCode: "FORBIDDEN" },
    });
  });

  it("reports metrics from ingested events", async () => {
    const session = await client.api.session.create.mutate({ name: "metrics" });
    const agent = await client.api.agent.create.mutate({ sessionId: session.id, name: "worker", driver: "claude" });
    const base = { schema_version: 2 as const, source_app: session.id, session_id: "s1", agent_id: agent.id, payload: {} };
    await client.api.event.ingest.mutate({
      events: [
        { ...base, event_id: "m-1", hook_event_type: "PostToolUse", tool_name: "Bash", cost_usd: 0.25, input_tokens: 100, output_tokens: 10 },
        { ...base, event_id: "m-2", hook_event_type: "PostToolUseFailure", tool_name: "Bash", cost_usd: 0.5, input_tokens: 50, output_tokens: 5 },
        { ...base, event_id: "m-3", hook_event_type: "PostToolUse", tool_name: "Edit" },
      ],
    });
    const metrics = await client.api.session.metrics.query({ id: session.id });
    expect(metrics).toMatchObject({
      events: 3,
      costUsd: 0.75,
      inputTokens: 150,
      outputTokens: 15,
      toolCalls: 3,
      toolFailures: 1,
      agentsByStatus: { starting: 1 },
    });
    expect(metrics.toolSuccessRate).toBeCloseTo(2 / 3);
    const updatedAgent = await client.api.agent.get.query({ id: agent.id });
    expect(updatedAgent).toMatchObject({ costUsd: 0.75, inputTokens: 150, outputTokens: 15 });
    expect(updatedAgent.lastEventAt).not.toBeNull();
  });
});

describe("agents", () => {
  it("creates, lists and gets agent records; rejects duplicates and unknown sessions", async () => {
    const session = await client.api.session.create.mutate({ name: "agents" });
    const agent = await client.api.agent.create.mutate({ sessionId: session.id, name: "coder", driver: "claude", model: "claude-sonnet", config: { worktree: true } });
    expect(agent).toMatchObject({ name: "coder", driver: "claude", status: "starting", config: { worktree: true } });
    expect(await client.api.agent.list.query({ sessionId: session.id })).toEqual([agent]);
    expect(await client.api.agent.get.query({ id: agent.id })).toEqual(agent);
    await expect(client.api.agent.create.mutate({ sessionId: session.id, name: "coder", driver: "shell" })).rejects.toMatchObject({
      data: { code: "CONFLICT" },
    });
    await expect(client.api.agent.create.mutate({ sessionId: "nope", name: "x", driver: "shell" })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    const bad = await client.api.agent.create.mutate({ sessionId: session.id, name: "", driver: "shell" }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TRPCClientError);
    expect((bad as TRPCClientError<any>).data).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { name: [expect.any(String)] } });
  });
});

describe("tasks", () => {
  it("creates tasks with dependencies, lists, gets and cancels them", async () => {
    const session = await client.api.session.create.mutate({ name: "tasks" });
    const first = await client.api.task.create.mutate({ sessionId: session.id, title: "write tests", prompt: "add tests" });
    expect(first.status).toBe("pending");
    const second = await client.api.task.create.mutate({ sessionId: session.id, title: "fix bug", prompt: "fix it", dependsOn: [first.id] });
    expect(second).toMatchObject({ status: "waiting", error: 'waiting for "write tests"', dependsOn: [first.id] });
    await expect(client.api.task.create.mutate({ sessionId: session.id, title: "x", prompt: "y", dependsOn: ["missing"] })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST", domainCode: "INVALID_INPUT" },
    });
    expect((await client.api.task.list.query({ sessionId: session.id })).map((t) => t.id)).toEqual([first.id, second.id]);
    expect((await client.api.task.list.query({ sessionId: session.id, status: "waiting" })).map((t) => t.id)).toEqual([second.id]);
    const cancelled = await client.api.task.cancel.mutate({ id: second.id, reason: "not needed" });
    expect(cancelled).toMatchObject({ status: "cancelled", error: "not needed" });
    expect(cancelled.finishedAt).not.toBeNull();
    await expect(client.api.task.cancel.mutate({ id: second.id })).rejects.toMatchObject({ data: { code: "CONFLICT" } });
    expect(await client.api.task.get.query({ id: first.id })).toEqual(first);
    const timeline = await client.api.event.timeline.query({ sessionId: session.id, types: ["task.created", "task.cancelled"] });
    expect(timeline.events.map((e) => e.type)).toEqual(["task.created", "task.created", "task.cancelled"]);
    // Task events name their task: the timeline shows its title, not an empty or id-only row.
    expect(timeline.events.map((e) => e.summary)).toEqual(["write tests", "fix bug", "fix bug: cancelled (not needed)"]);
  });
});

describe("events", () => {
  it("pages the timeline in both directions with server-side filters", async () => {
    const app = `paging-${Date.now()}`;
    const events = Array.from({ length: 25 }, (_, i) =>
      legacyEvent(i, {
        source_app: app,
        session_id: i % 2 === 0 ? "even-agent" : "odd-agent",
        hook_event_type: i % 5 === 0 ? "UserPromptSubmit" : "PreToolUse",
        payload: i % 5 === 0 ? { prompt: `prompt number ${i}` } : { tool_name: "Bash", tool_input: { command: `echo needle-${i}` } },
      }),
    );
    const receipt = await postJson(`${server.url}/api/events`, { events });
    expect(receipt.status).toBe(200);
    expect(receipt.body.accepted).toBe(25);
    const sessionId = receipt.body.results[0].sessionId as string;
    const seqs = (receipt.body.results as { seq: number }[]).map((r) => r.seq);

    const newest = await client.api.event.timeline.query({ sessionId, limit: 10 });
    expect(newest.events.map((e) => e.seq)).toEqual(seqs.slice(15));
    expect(newest).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false });
    const older = await client.api.event.timeline.query({ sessionId, limit: 10, before: newest.events[0]!.seq });
    expect(older.events.map((e) => e.seq)).toEqual(seqs.slice(5, 15));
    const oldest = await client.api.event.timeline.query({ sessionId, limit: 10, before: older.events[0]!.seq });
    expect(oldest.events.map((e) => e.seq)).toEqual(seqs.slice(0, 5));
    expect(oldest.hasMoreBefore).toBe(false);
    const forward = await client.api.event.timeline.query({ sessionId, limit: 10, after: seqs[4] });
    expect(forward.events.map((e) => e.seq)).toEqual(seqs.slice(5, 15));
    expect(forward.hasMoreAfter).toBe(true);

    const prompts = await client.api.event.timeline.query({ sessionId, types: ["prompt.submitted"] });
    expect(prompts.events.map((e) => e.summary)).toEqual([0, 5, 10, 15, 20].map((i) => `prompt number ${i}`));
    const evenAgentId = receipt.body.results[0].agentId as string;
    const even = await client.api.event.timeline.query({ sessionId, agentId: evenAgentId, limit: 500 });
    expect(even.events).toHaveLength(13);
    const text = await client.api.event.timeline.query({ sessionId, text: "needle-7" });
    expect(text.events.map((e) => e.summary)).toEqual(["Bash: echo needle-7"]);
    // LIKE wildcards in the search text are literal.
    expect((await client.api.event.timeline.query({ sessionId, text: "needle_%" })).events).toHaveLength(0);
  });

  it("charts a session's events and cost over time in bounded buckets", async () => {
    const app = `histogram-${Date.now()}`;
    const base = { schema_version: 2 as const, source_app: app, session_id: "s", payload: {} };
    const receipt = await client.api.event.ingest.mutate({
      events: [
        { ...base, event_id: `${app}-1`, agent_id: "a1", type: "usage.reported", cost_usd: 0.5 },
        { ...base, event_id: `${app}-2`, agent_id: "a2", type: "usage.reported", cost_usd: 0.25 },
        { ...base, event_id: `${app}-3`, agent_id: "a1", type: "note.added" },
      ],
    });
    const sessionId = receipt.results[0]!.sessionId;
    const histogram = await client.api.event.histogram.query({ sessionId, maxBuckets: 10 });
    expect(histogram.events).toBe(3);
    expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(histogram.counts.length).toBeLessThanOrEqual(10);
    expect(histogram.cost.reduce((a, b) => a + b, 0)).toBeCloseTo(0.75);
    const [a1, a2] = receipt.results.map((r) => r.agentId!);
    expect(histogram.costByAgent[a1!]!.reduce((a, b) => a + b, 0)).toBeCloseTo(0.5);
    expect(histogram.costByAgent[a2!]!.reduce((a, b) => a + b, 0)).toBeCloseTo(0.25);
    expect(histogram.start! % histogram.bucketMs).toBe(0);
    expect(histogram.lastSeq).toBeGreaterThanOrEqual(receipt.results[2]!.seq);
    await expect(client.api.event.histogram.query({ sessionId: "no-such-session" })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
  });

  it("keeps pages narrow and returns the full payload from event.get, large ones included", async () => {
    const transcript = Array.from({ length: 2_000 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `message ${i} `.repeat(20) }));
    const receipt = await postJson(`${server.url}/events`, legacyEvent(1, { hook_event_type: "Stop", payload: { last_assistant_message: "done" }, chat: transcript }));
    expect(receipt.status).toBe(200);
    const { seq, sessionId } = receipt.body.results[0];
    const page = await client.api.event.timeline.query({ sessionId, after: seq - 1, limit: 1 });
    expect(page.events[0]).not.toHaveProperty("payload");
    expect(page.events[0]!.payloadSize).toBeGreaterThan(400_000);
    const full = await client.api.event.get.query({ seq });
    expect(full.payload).toEqual({ last_assistant_message: "done", chat: transcript });
    expect(full.type).toBe("turn.finished");
    // Stored deflated: the row is far smaller than the JSON.
    // Tagged $queryRaw: Prisma writes the placeholder each store wants.
    const [stored] = await server.room.prisma.$queryRaw<{ bytes: number }[]>`SELECT length("payload") AS bytes FROM "Event" WHERE "seq" = ${seq}`;
    expect(Number(stored!.bytes)).toBeLessThan(page.events[0]!.payloadSize / 5);
    await expect(client.api.event.get.query({ seq: 99_999_999 })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
  });

  it("normalizes the legacy hook shape and the enriched v2 shape", async () => {
    const receipt = await client.api.event.ingest.mutate({
      events: [
        legacyEvent(1, { hook_event_type: "PostToolUse", payload: { tool_name: "Edit", tool_input: { file_path: "/w/a.ts" } }, model_name: "claude-opus" }),
        {
          schema_version: 2,
          event_id: `v2-${Date.now()}`,
          source_app: "test-app",
          session_id: "claude-session-1",
          type: "usage.reported",
          payload: { turn: 1 },
          cost_usd: 0.01,
          input_tokens: 10,
          output_tokens: 2,
          summary: "turn usage",
          timestamp: "2026-11-25T10:00:00Z",
        },
      ],
    });
    const [legacy, enriched] = await Promise.all(receipt.results.map((r) => client.api.event.get.query({ seq: r.seq })));
    expect(legacy).toMatchObject({ type: "tool.finished", status: "ok", toolName: "Edit", filePath: "/w/a.ts", schemaVersion: 1, hookEventType: "PostToolUse", source: "hook" });
    expect(enriched).toMatchObject({ type: "usage.reported", costUsd: 0.01, inputTokens: 10, outputTokens: 2, summary: "turn usage", schemaVersion: 2, clientTs: Date.parse("2026-11-25T10:00:00Z") });
    expect(legacy!.agentId).toBe(enriched!.agentId);
  });
});
