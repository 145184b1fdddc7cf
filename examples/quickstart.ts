/**
 * Drive the control room from a script with the typed client.
 *   npm start                      # in another terminal (or `npx rozet demo`)
 *   npx tsx examples/quickstart.ts # ROZET_URL / ROZET_TOKEN override the defaults
 *
 * Creates a session with a shell agent, watches its timeline live, runs two commands and prints the results.
 */
import { createRozetClient } from "@rozet/api/client";

const url = process.env.ROZET_URL ?? "http://127.0.0.1:4800";
const { api, close } = createRozetClient({ url, token: process.env.ROZET_TOKEN });

const session = await api.session.create.mutate({ name: "quickstart" });
console.log(`session ${session.id} in ${session.workspaceRoot}`);

// Live timeline: tracked ids let the client resume after a reconnect without gaps or duplicates.
const { lastSeq } = await api.event.timeline.query({ sessionId: session.id, limit: 1 });
const live = api.event.subscribe.subscribe(
  { sessionId: session.id, lastEventId: String(lastSeq) },
  { onData: ({ data: e }) => console.log(`  #${e.seq} ${e.type}${e.summary ? `: ${e.summary}` : ""}`) },
);

const agent = await api.agent.create.mutate({ sessionId: session.id, name: "shell", driver: "shell" });
while ((await api.agent.get.query({ id: agent.id })).status !== "idle") await new Promise((r) => setTimeout(r, 100));

// Tasks with a dependency: the second starts by itself when the first is done.
const first = await api.task.create.mutate({ sessionId: session.id, title: "write", prompt: "echo hello from rozet > hello.txt" });
const second = await api.task.create.mutate({ sessionId: session.id, title: "read", prompt: "cat hello.txt", dependsOn: [first.id] });
for (;;) {
  const task = await api.task.get.query({ id: second.id });
  if (["completed", "failed", "cancelled"].includes(task.status)) {
    console.log(`task "${task.title}" ${task.status}: ${task.result ?? task.error}`);
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}

console.log(await api.session.metrics.query({ id: session.id }));
live.unsubscribe();
await api.agent.stop.mutate({ agentId: agent.id });
await close();
