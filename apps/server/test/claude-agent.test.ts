import type { ScenarioInput } from "@rozet/model-stub";
import { allowedStatuses, isEventType, readPayload } from "@rozet/vocabulary";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";

let world: Awaited<ReturnType<typeof startAgentWorld>> | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const writeAndEdit = {
  steps: [
    { match: { lastUserTextIncludes: "create hello" }, content: [{ text: "Creating." }, { tool_use: { name: "Write", input: { file_path: "{{cwd}}/hello.txt", content: "hello world\n" } } }] },
    { content: [{ tool_use: { name: "Edit", input: { file_path: "{{cwd}}/hello.txt", old_string: "hello world", new_string: "hello rozet" } } }] },
    { content: [{ text: "Done: hello.txt says hello rozet." }], usage: { input_tokens: 1200, output_tokens: 40 } },
    { match: { lastUserTextIncludes: "follow up" }, content: [{ text: "Follow-up answered." }] },
  ],
};

async function startClaude(scenario: ScenarioInput, name = "claude-1") {
  world = await startAgentWorld(scenario);
  const session = await world.api.session.create.mutate({ name: "claude test" });
  const agent = await world.api.agent.create.mutate({ sessionId: session.id, name, driver: "claude", config: { env: stubEnv(world.stub.url) } });
  await world.agentInStatus(agent.id, "idle");
  return { session, agent, w: world };
}

describe("claude driver (real Claude Code through the model stub)", () => {
  it("asks before writing, records tool calls, the diff, cost and tokens, and takes a follow-up", async () => {
    const { session, agent, w } = await startClaude(writeAndEdit);
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "please create hello", idempotencyKey: "cmd-create-hello" });
    expect(command.status).toBe("accepted");

    // Default mode asks: the Write waits for the operator.
    const write = await w.pendingPermission(session.id);
    expect(write).toMatchObject({ toolName: "Write", agentId: agent.id, status: "pending" });
    expect((await w.api.agent.get.query({ id: agent.id })).status).toBe("waiting-for-permission");
    expect(existsSync(path.join(session.workspaceRoot!, "hello.txt"))).toBe(false);
    await w.api.agent.respondPermission.mutate({ requestId: write.id, answer: { behavior: "allow" } });
    const edit = await waitForAsync(async () => (await w.api.permission.list.query({ sessionId: session.id, status: "pending", limit: 5 })).find((p) => p.toolName === "Edit"), 30_000, "edit permission");
    await w.api.agent.respondPermission.mutate({ requestId: edit.id, answer: { behavior: "allow", forSession: true } });

    const done = await w.commandDone(command.id);
    expect(done.status).toBe("completed");
    expect(readFileSync(path.join(session.workspaceRoot!, "hello.txt"), "utf8")).toBe("hello rozet\n");
    // A retried command with the same idempotency key is the same command.
    expect((await w.api.agent.command.mutate({ agentId: agent.id, text: "please create hello", idempotencyKey: "cmd-create-hello" })).id).toBe(command.id);

    const events = await w.timeline(session.id);
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["prompt.submitted", "permission.requested", "permission.answered", "tool.started", "tool.finished", "file.changed", "usage", "turn.finished"]));
    const started = events.filter((e) => e.type === "tool.started").map((e) => e.toolName);
    expect(started).toEqual(["Write", "Edit"]);
    expect(events.filter((e) => e.type === "tool.finished").every((e) => e.status === "ok")).toBe(true);
    const fileChanges = events.filter((e) => e.type === "file.changed");
    const editDiff = await w.api.event.get.query({ seq: fileChanges.at(-1)!.seq });
    expect(JSON.stringify(editDiff.payload)).toContain("-hello world");
    expect(JSON.stringify(editDiff.payload)).toContain("+hello rozet");
    const usage = events.find((e) => e.type === "usage")!;
    expect(usage.costUsd).toBeGreaterThan(0);
    expect(usage.inputTokens).toBeGreaterThan(0);
    const afterFirst = await w.api.agent.get.query({ id: agent.id });
    expect(afterFirst.costUsd).toBeCloseTo(usage.costUsd!, 6);

    // Same live session: the follow-up is answered without a new process.
    const followUp = await w.api.agent.command.mutate({ agentId: agent.id, text: "a follow up question" });
    expect((await w.commandDone(followUp.id)).status).toBe("completed");
    expect(w.stub.requests.filter((r) => r.lastUserText?.includes("follow up"))).not.toHaveLength(0);
    expect((await w.api.agent.get.query({ id: agent.id })).processId).toBe(afterFirst.processId);
    expect((await w.api.agent.get.query({ id: agent.id })).status).toBe("idle");

    const mode = await w.api.agent.setMode.mutate({ agentId: agent.id, mode: "acceptEdits" });
    expect(mode).toMatchObject({ kind: "mode", status: "completed" });
    expect((await w.timeline(session.id)).some((e) => e.type === "agent.mode_changed" && e.status === "acceptEdits")).toBe(true);

    // Everything stored for this run (driver, runtime, broker) reads back as its catalogue type.
    const violations: string[] = [];
    for (const event of await w.timeline(session.id)) {
      if (!isEventType(event.type)) {
        violations.push(`${event.type}: not a catalogue type`);
        continue;
      }
      const read = readPayload(event.type, (await w.api.event.get.query({ seq: event.seq })).payload);
      if (!read.ok) violations.push(`${event.type}: ${read.error}`);
      const statuses = allowedStatuses(event.type);
      if (statuses && event.status && !statuses.includes(event.status)) violations.push(`${event.type}: status ${event.status}`);
    }
    expect(violations).toEqual([]);
  });

  it("never runs a denied tool", async () => {
    const { session, agent, w } = await startClaude({
      steps: [
        { content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/denied.txt", content: "nope\n" } } }] },
        { content: [{ text: "Understood, not writing." }] },
      ],
    });
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "write denied" });
    const request = await w.pendingPermission(session.id);
    const answer = await w.api.agent.respondPermission.mutate({ requestId: request.id, answer: { behavior: "deny", message: "not allowed here" } });
    expect(answer.permission).toMatchObject({ status: "denied", answeredBy: "token:local" });
    expect((await w.commandDone(command.id)).status).toBe("completed");
    expect(existsSync(path.join(session.workspaceRoot!, "denied.txt"))).toBe(false);
    const finished = (await w.timeline(session.id)).filter((e) => e.type === "tool.finished");
    expect(finished.map((e) => e.status)).toEqual(["error"]);
  });

  it("interrupts a long turn within a second and is idle again", async () => {
    const { agent, w } = await startClaude({
      steps: [{ content: [{ text: "This is a very long answer that streams slowly. ".repeat(8) }], chunkDelayMs: 400 }],
    });
    const command = await w.api.agent.command.mutate({ agentId: agent.id, text: "talk slowly" });
    await waitForAsync(async () => (await w.api.agent.get.query({ id: agent.id })).status === "busy" && w.stub.requests.length > 0, 30_000, "busy");
    await new Promise((resolve) => setTimeout(resolve, 800));
    const started = Date.now();
    const interrupt = await w.api.agent.interrupt.mutate({ agentId: agent.id });
    expect(interrupt).toMatchObject({ kind: "interrupt", status: "completed", result: "interrupted the running turn" });
    const done = await w.commandDone(command.id, 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(done.status).toBe("cancelled");
    await w.agentInStatus(agent.id, "idle", 5_000);
  });
});
