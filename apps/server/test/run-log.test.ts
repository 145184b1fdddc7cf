import { describe, expect, it } from "vitest";
import { clientFor, serverForFile, type TestServer } from "./harness.ts";
import { waitForAsync } from "./agent-harness.ts";

let server: TestServer;
let api: ReturnType<typeof clientFor>["api"];
serverForFile((started, client) => {
  server = started;
  api = client.api;
});

/** A query over plain HTTP, as any language would call it: `GET /trpc/event.runLog?input=<json>`. */
async function runLogOverHttp(input: unknown) {
  const res = await fetch(`${server.url}/trpc/event.runLog?input=${encodeURIComponent(JSON.stringify(input))}`);
  return { status: res.status, body: (await res.json()) as any };
}

describe("event.runLog", () => {
  it("pages a real shell command's events by seq, payloads included, and names the command and its agent", async () => {
    const session = await api.session.create.mutate({ name: "run log" });
    const agent = await api.agent.create.mutate({ sessionId: session.id, name: "builder", driver: "shell" });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
    const text = "for i in 1 2 3 4; do printf '\\033[32mstep %s\\033[0m\\n' $i; sleep 0.12; done; echo warn >&2";
    const command = await api.agent.command.mutate({ agentId: agent.id, text });
    const other = await api.agent.command.mutate({ agentId: agent.id, text: "echo not-this-one" });
    await waitForAsync(async () => {
      const history = await api.agent.commands.query({ agentId: agent.id });
      return history.every((c) => c.status === "completed") && history.length === 2;
    }, 20_000, "both commands completed");

    const whole = await runLogOverHttp({ commandId: command.id });
    expect(whole.status).toBe(200);
    const log = whole.body.result.data;
    expect(log.command).toMatchObject({ id: command.id, kind: "prompt", status: "completed", agentName: "builder", sessionId: session.id, input: { text } });
    expect(log.hasMore).toBe(false);
    const types: string[] = log.events.map((e: { type: string }) => e.type);
    expect(types[0]).toBe("prompt.submitted");
    expect(types).toContain("tool.started");
    expect(types).toContain("tool.finished");
    // stdout and stderr arrive as separate output events; lines of one stream may share a chunk under load.
    expect(types.filter((t) => t === "shell.output").length).toBeGreaterThanOrEqual(2);
    expect(log.events.every((e: { commandId: string }) => e.commandId === command.id)).toBe(true);
    const output = log.events.filter((e: { type: string }) => e.type === "shell.output").map((e: { payload: { text: string } }) => e.payload.text).join("");
    for (const step of [1, 2, 3, 4]) expect(output).toContain(`\u001b[32mstep ${step}\u001b[0m`);
    expect(output).toContain("warn");
    // Output arrives in chunks as the pipe delivers it: the first line may share its chunk with the next ("(+1 line)").
    expect(log.events.some((e: { summary: string | null }) => e.summary?.startsWith("stdout: step 1"))).toBe(true);

    // Paged two at a time, the pages join up to the same events, in order, without gaps or repeats.
    const paged: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await api.event.runLog.query({ commandId: command.id, after, limit: 2 });
      expect(page.events.length).toBeLessThanOrEqual(2);
      paged.push(...page.events.map((e) => e.seq));
      if (!page.hasMore) break;
      after = page.nextAfter;
    }
    expect(paged).toEqual(log.events.map((e: { seq: number }) => e.seq));

    // After the last page: nothing new yet, and the cursor stays put for the next poll.
    const tail = await api.event.runLog.query({ commandId: command.id, after: paged.at(-1) });
    expect(tail).toMatchObject({ events: [], hasMore: false, nextAfter: paged.at(-1) });
    const second = await api.event.runLog.query({ commandId: other.id });
    expect(second.events.some((e) => e.seq <= paged.at(-1)!)).toBe(false);
  }, 30_000);

  it("bad input is a 400 naming the field; an unknown command is a 404 naming it", async () => {
    for (const [input, field] of [
      [{ commandId: "x", limit: 0 }, "limit"],
      [{ commandId: "x", limit: 201 }, "limit"],
      [{ commandId: "x", after: -1 }, "after"],
      [{ commandId: "x", after: 1.5 }, "after"],
      [{ commandId: "" }, "commandId"],
      [{ commandId: "bad\u0007id" }, "commandId"],
      [{}, "commandId"],
    ] as const) {
      const res = await runLogOverHttp(input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(Object.keys(res.body.error.data.fieldErrors)).toEqual([field]);
    }
    const missing = await runLogOverHttp({ commandId: "no-such-command" });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe("command no-such-command not found");
  });
});
