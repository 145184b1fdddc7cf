import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";

// Context handoff reaching a real agent: upstream work done by shell agents in worktrees of their own, the
// dependent task run by real Claude Code through the model stub; what the stub received is the proof.

let world: Awaited<ReturnType<typeof startAgentWorld>> | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-C", cwd, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { encoding: "utf8" });

async function repoWithAgents() {
  world = await startAgentWorld({ steps: [], fallback: { content: [{ text: "Done with the task." }] } });
  const w = world;
  const repo = path.join(w.server.room.workspacesRoot, "repo");
  mkdirSync(repo, { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  writeFileSync(path.join(repo, "README.md"), "hi\n");
  git(repo, "add", ".");
  git(repo, "commit", "-qm", "init");
  const session = await w.api.session.create.mutate({ name: "handoff", workspace: "repo" });
  const shell = async (name: string) => {
    const agent = await w.api.agent.create.mutate({ sessionId: session.id, name, driver: "shell", config: { worktree: true } });
    await w.agentInStatus(agent.id, "idle");
    return agent;
  };
  const claude = await w.api.agent.create.mutate({ sessionId: session.id, name: "claude", driver: "claude", config: { env: stubEnv(w.stub.url), worktree: true } });
  await w.agentInStatus(claude.id, "idle");
  const settled = (id: string, statuses: string[]) =>
    waitForAsync(async () => {
      const task = await w.api.task.get.query({ id });
      return statuses.includes(task.status) ? task : undefined;
    }, 60_000, `task ${id} in ${statuses.join("/")}`);
  /** The prompts Claude Code sent the model that carry this text. */
  const received = (text: string) => w.stub.requests.map((r) => r.lastUserText ?? "").filter((t) => t.includes(text));
  return { w, session, shell, claude, settled, received };
}

describe("context handoff to a real agent", () => {
  it("gives the downstream prompt the upstream summary, file list and diffs, cut by the size guard and said so", async () => {
    const { w, session, shell, claude, settled, received } = await repoWithAgents();
    const upstream = await shell("writer");
    // a-notes.txt (small) sorts first; big.txt's diff (~30 KB) is past the 20 KB per dependency.
    const first = await w.api.task.create.mutate({
      sessionId: session.id,
      title: "write notes",
      prompt: "printf 'note one\\nnote two\\n' > a-notes.txt && head -c 30000 /dev/zero | tr '\\0' x | fold -w 100 > big.txt && echo upstream-summary: wrote notes and big",
      agentId: upstream.id,
    });
    const second = await w.api.task.create.mutate({ sessionId: session.id, title: "use notes", prompt: "Summarize the notes for the README.", agentId: claude.id, dependsOn: [first.id] });
    const done = await settled(second.id, ["completed", "failed", "blocked"]);
    expect(done).toMatchObject({ status: "completed", result: "Done with the task." });

    const [prompt] = received("# Your task");
    expect(prompt).toBeDefined();
    expect(prompt).toContain("# Work handed over from the tasks this one depends on");
    expect(prompt).toContain(`## From "write notes" (task ${first.id}, completed; branch rozet/writer-`);
    expect(prompt).toContain("Its final summary:\nupstream-summary: wrote notes and big");
    expect(prompt).toContain("Files it changed (2):\n- a-notes.txt (added)\n- big.txt (added)");
    expect(prompt).toContain("+note one\n+note two");
    expect(prompt).toMatch(/\[diff of big\.txt cut at 19\.\d KB of (29|30)\.\d KB: the handoff size guard\]/);
    expect(prompt!.endsWith("# Your task\n\nSummarize the notes for the README.")).toBe(true);
    expect(Buffer.byteLength(prompt!)).toBeLessThan(22_000);

    const { events } = await w.api.event.timeline.query({ sessionId: session.id, taskId: second.id, types: ["task.handoff"] });
    const payload = (await w.api.event.get.query({ seq: events[0]!.seq })).payload as Record<string, unknown>;
    expect(payload).toMatchObject({
      delivered: true,
      truncated: true,
      merged: [{ taskId: first.id, outcome: "merged" }],
      dependencies: [{ taskId: first.id, truncated: true, shownBytes: 20_000, files: [{ path: "a-notes.txt", status: "A" }, { path: "big.txt", status: "A", shownBytes: expect.any(Number) }] }],
    });
    expect(events[0]!.summary).toMatch(/^use notes: handed 1 dependency \(\d+\.\d KB, cut by the size guard, 1 merged\)$/);
    // The upstream files are in the Claude agent's worktree: merged, not only described.
    expect(git(path.join(w.server.room.workspacesRoot, "repo"), "show", `${done.baseCommit!}:a-notes.txt`)).toBe("note one\nnote two\n");
  });

  it("a conflict handed to the agent: its prompt first says which files to resolve, then hands over the upstream work", async () => {
    const { w, session, shell, claude, settled, received } = await repoWithAgents();
    const [a, b] = [await shell("alpha"), await shell("beta")];
    const first = await w.api.task.create.mutate({ sessionId: session.id, title: "side a", prompt: "echo from-a > same.txt && echo a-done", agentId: a.id });
    const second = await w.api.task.create.mutate({ sessionId: session.id, title: "side b", prompt: "echo from-b > same.txt && echo b-done", agentId: b.id });
    const third = await w.api.task.create.mutate({ sessionId: session.id, title: "join", prompt: "Join both sides.", agentId: claude.id, dependsOn: [first.id, second.id] });
    const stopped = await settled(third.id, ["blocked", "completed", "failed"]);
    expect(stopped).toMatchObject({ status: "blocked", error: "merge conflict in same.txt" });
    expect(received("Join both sides.")).toEqual([]);

    await w.api.task.resolveConflict.mutate({ id: third.id, resolution: "agent" });
    const done = await settled(third.id, ["completed", "failed", "blocked"]);
    expect(done.status).toBe("completed");
    const [prompt] = received("Join both sides.");
    expect(prompt).toContain("# First: resolve a merge conflict");
    expect(prompt).toContain(`Merging the work of task "side b" (commit ${stopped.mergeConflict!.commit}`);
    expect(prompt).toContain("stopped with conflicts in: same.txt.");
    expect(prompt!.indexOf("# First: resolve")).toBeLessThan(prompt!.indexOf("# Work handed over"));
    expect(prompt).toContain('## From "side a"');
    expect(prompt).toContain('## From "side b"');
    expect(prompt).toContain("b-done");
  });
});
