import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDemo } from "../src/demo/run-demo.ts";
import { clientFor, removeHome, tempHome } from "./harness.ts";
import { waitForAsync } from "./agent-harness.ts";

const home = tempHome();
let demo: Awaited<ReturnType<typeof runDemo>> | null = null;
afterAll(async () => {
  await demo?.close();
  removeHome(home);
});

describe("rozet demo", () => {
  it("runs two real Claude agents through dependent tasks and leaves one permission for the operator", async () => {
    demo = await runDemo({ home, port: 0, quiet: true, webDist: null });
    const { api, close } = clientFor(demo.server.url);
    const [session] = await api.session.list.query();
    expect(demo.sessionUrl).toBe(`${demo.server.url}/sessions/${session!.id}`);
    const pending = await waitForAsync(async () => (await api.permission.list.query({ status: "pending", limit: 5 }))[0], 60_000, "the Bash permission");
    expect(pending).toMatchObject({ toolName: "Bash", input: { command: "sh hello.sh" } });
    const tasks = await api.task.list.query({ sessionId: session!.id });
    expect(tasks.map((t) => [t.title, t.status])).toEqual([["Write the README", "completed"], ["Add a script", "running"]]);
    expect(readFileSync(path.join(session!.workspaceRoot!, "README.md"), "utf8")).toContain("Written and then edited by a Claude agent");

    await api.agent.respondPermission.mutate({ requestId: pending.id, answer: { behavior: "allow" } });
    await waitForAsync(async () => (await api.task.list.query({ sessionId: session!.id })).every((t) => t.status === "completed"), 30_000, "both tasks done");
    const bash = (await api.event.timeline.query({ sessionId: session!.id, types: ["tool.finished"], text: "hello.sh" })).events.at(-1)!;
    expect(bash.status).toBe("ok");
    expect(JSON.stringify((await api.event.get.query({ seq: bash.seq })).payload)).toContain("hello from the demo");
    const metrics = await api.session.metrics.query({ id: session!.id });
    expect(metrics.costUsd).toBeGreaterThan(0);
    await close();
  });
});
