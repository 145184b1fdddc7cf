import { describe, expect, it } from "vitest";
import { clientFor, postJson, serverForFile, waitFor, type TestServer } from "./harness.ts";

let server: TestServer;
let api: ReturnType<typeof clientFor>["api"];
serverForFile((started, client) => {
  server = started;
  api = client.api;
});

/** A `tool.started` event of the session, reported for a task when one is given. */
function toolStarted(sessionId: string, id: string, summary: string, taskId?: string) {
  return {
    schema_version: 2,
    event_id: `${sessionId}-${id}`,
    source_app: sessionId,
    session_id: "run",
    agent_id: "bot",
    type: "tool.started",
    summary,
    ...(taskId ? { task_id: taskId } : {}),
    payload: {},
  };
}

describe("one task's events (the timeline filter a task card links to)", () => {
  it("event.timeline and event.subscribe filter by taskId; an unknown task is a 404 naming it", async () => {
    const session = await api.session.create.mutate({ name: "task-filter" });
    const task = await api.task.create.mutate({ sessionId: session.id, title: "build", prompt: "build it" });
    const other = await api.task.create.mutate({ sessionId: session.id, title: "other", prompt: "other" });
    const event = (id: string, taskId?: string) => toolStarted(session.id, id, id, taskId);
    const post = async (events: unknown[]) => expect((await postJson(`${server.url}/api/events`, events)).status).toBe(200);
    await post([event("a", task.id), event("b"), event("c", other.id), event("d", task.id)]);

    const page = await api.event.timeline.query({ sessionId: session.id, taskId: task.id });
    expect(page.events.map((e) => e.summary).filter((s) => s !== null && s.length === 1)).toEqual(["a", "d"]);
    expect(page.events.every((e) => e.taskId === task.id)).toBe(true);
    await expect(api.event.timeline.query({ sessionId: session.id, taskId: "no-such-task" })).rejects.toThrow(/no-such-task/);

    const live: string[] = [];
    const listeners = server.room.bus.listenerCount("events");
    const sub = api.event.subscribe.subscribe({ sessionId: session.id, taskId: task.id, lastEventId: String(page.lastSeq) }, { onData: ({ data }) => live.push(data.summary ?? "") });
    try {
      await waitFor(() => server.room.bus.listenerCount("events") > listeners, 5_000, "the subscription");
      await post([event("e", other.id), event("f", task.id), event("g")]);
      await waitFor(() => live.includes("f"), 5_000, "the task's live event");
      await post([event("h", task.id)]);
      await waitFor(() => live.includes("h"), 5_000, "the next one");
      expect(live).toEqual(["f", "h"]);
    } finally {
      sub.unsubscribe();
    }
  });

  it("exports honour taskId like the timeline (the page's ?task= filter), and an unknown task is refused", async () => {
    const session = await api.session.create.mutate({ name: "task-export" });
    const task = await api.task.create.mutate({ sessionId: session.id, title: "build", prompt: "build it" });
    const event = (id: string, taskId?: string) => toolStarted(session.id, id, `export ${id}`, taskId);
    expect((await postJson(`${server.url}/api/events`, [event("a", task.id), event("b"), event("c", task.id)])).status).toBe(200);
    const res = await fetch(`${server.url}/api/sessions/${session.id}/export.ndjson?taskId=${task.id}&types=tool.started`);
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\n").map((line) => JSON.parse(line) as { summary: string; taskId: string });
    expect(lines.map((e) => e.summary)).toEqual(["export a", "export c"]);
    expect(lines.every((e) => e.taskId === task.id)).toBe(true);
    const json = (await (await fetch(`${server.url}/api/sessions/${session.id}/export.json?taskId=${task.id}&types=tool.started`)).json()) as unknown[];
    expect(json).toHaveLength(2);
    const unknown = await fetch(`${server.url}/api/sessions/${session.id}/export.ndjson?taskId=no-such-task`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/no-such-task/);
  });
});
