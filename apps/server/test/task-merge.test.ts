import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { clientFor, removeHome, startTestServer } from "./harness.ts";
import { waitForAsync } from "./agent-harness.ts";

// Upstream work merged into a dependent task's worktree (real git repositories, real shell agents in worktrees of
// their own): two branches merged in order, a conflict that stops the task, and each way the operator answers it.

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-C", cwd, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { encoding: "utf8" });

async function repoWorld() {
  const server = await startTestServer();
  const { api, close } = clientFor(server.url);
  cleanup = async () => {
    await close();
    await server.close();
    removeHome(server.home);
  };
  const repo = path.join(server.room.workspacesRoot, "repo");
  mkdirSync(repo, { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  writeFileSync(path.join(repo, "README.md"), "hi\n");
  git(repo, "add", ".");
  git(repo, "commit", "-qm", "init");
  const session = await api.session.create.mutate({ name: "merges", workspace: "repo" });
  const worker = async (name: string) => {
    const agent = await api.agent.create.mutate({ sessionId: session.id, name, driver: "shell", config: { worktree: true } });
    await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, `${name} idle`);
    return agent;
  };
  const settled = (id: string, statuses = ["completed", "failed", "cancelled", "blocked"]) =>
    waitForAsync(async () => {
      const task = await api.task.get.query({ id });
      return statuses.includes(task.status) ? task : undefined;
    }, 20_000, `task ${id} in ${statuses.join("/")}`);
  const eventsOf = async (type: "task.handoff" | "task.merge_conflict" | "task.conflict_resolved", taskId: string) => {
    const { events } = await api.event.timeline.query({ sessionId: session.id, types: [type], taskId, limit: 20 });
    return Promise.all(events.map(async (e) => ({ ...e, payload: (await api.event.get.query({ seq: e.seq })).payload as Record<string, unknown> })));
  };
  return { server, api, repo, session, worker, settled, eventsOf };
}

/** Two upstream tasks on their own agents, then a third on its own agent that depends on both. */
async function diamond(w: Awaited<ReturnType<typeof repoWorld>>, prompts: { a: string; b: string; c: string }) {
  const [a, b, c] = [await w.worker("alpha"), await w.worker("beta"), await w.worker("gamma")];
  const first = await w.api.task.create.mutate({ sessionId: w.session.id, title: "write a", prompt: prompts.a, agentId: a.id });
  const second = await w.api.task.create.mutate({ sessionId: w.session.id, title: "write b", prompt: prompts.b, agentId: b.id });
  const third = await w.api.task.create.mutate({ sessionId: w.session.id, title: "combine", prompt: prompts.c, agentId: c.id, dependsOn: [first.id, second.id] });
  return { first, second, third, agents: { a, b, c } };
}

describe("merging upstream work", () => {
  it("commits each finished task's work on its agent's branch and merges both branches into the next task's worktree, in order", async () => {
    const w = await repoWorld();
    const { first, second, third } = await diamond(w, { a: "echo a > a.txt", b: "echo b > b.txt", c: "cat a.txt b.txt > c.txt" });
    const done = await w.settled(third.id);
    expect(done).toMatchObject({ status: "completed" });
    const [a, b] = [await w.api.task.get.query({ id: first.id }), await w.api.task.get.query({ id: second.id })];
    expect(a.branch).toMatch(/^rozet\/alpha-/);
    expect(b.branch).toMatch(/^rozet\/beta-/);
    expect(git(w.repo, "show", "--name-only", "--format=%s", a.headCommit!)).toContain("a.txt");
    expect(git(w.repo, "log", "-1", "--format=%s", a.headCommit!)).toBe(`write a (rozet task ${first.id})\n`);

    // The dependent task saw both files (it printed them into c.txt), through two merge commits (never a fast-forward).
    const worktree = git(w.repo, "worktree", "list", "--porcelain").split("\n\n").find((entry) => entry.includes(done.branch!))!.split("\n")[0]!.slice("worktree ".length);
    expect(readFileSync(path.join(worktree, "c.txt"), "utf8")).toBe("a\nb\n");
    const merges = git(worktree, "log", "--merges", "--format=%s", `${done.baseCommit!}`).trim().split("\n");
    expect(merges).toEqual([`Merge task "write b" (${b.branch}) for "combine"`, `Merge task "write a" (${a.branch}) for "combine"`]);
    expect(git(worktree, "merge-base", "--is-ancestor", a.headCommit!, done.headCommit!)).toBe("");

    const [handoff] = await w.eventsOf("task.handoff", third.id);
    expect(handoff!.summary).toBe("combine: handed 2 dependencies (" + (handoff!.payload.textBytes as number / 1024).toFixed(1) + " KB, 2 merged) — recorded only (shell agent)");
    expect(handoff!.payload).toMatchObject({
      delivered: false,
      truncated: false,
      merged: [
        { taskId: first.id, commit: a.headCommit, branch: a.branch, outcome: "merged" },
        { taskId: second.id, commit: b.headCommit, branch: b.branch, outcome: "merged" },
      ],
      dependencies: [
        { taskId: first.id, title: "write a", files: [{ path: "a.txt", status: "A", diffBytes: expect.any(Number) }], truncated: false },
        { taskId: second.id, title: "write b", files: [{ path: "b.txt", status: "A" }] },
      ],
    });
    // The workspace's own checkout is untouched: merges happen in the dependent task's worktree.
    expect(existsSync(path.join(w.repo, "a.txt"))).toBe(false);
  });
});

describe("a dependent task in the shared workspace", () => {
  it("merges the upstream branch into the workspace's own checkout; its own work is not committed for it", async () => {
    const w = await repoWorld();
    const upstream = await w.worker("alpha");
    const shared = await w.api.agent.create.mutate({ sessionId: w.session.id, name: "shared", driver: "shell" });
    await waitForAsync(async () => (await w.api.agent.get.query({ id: shared.id })).status === "idle", 10_000, "shared idle");
    const first = await w.api.task.create.mutate({ sessionId: w.session.id, title: "write a", prompt: "echo a > a.txt", agentId: upstream.id });
    const second = await w.api.task.create.mutate({ sessionId: w.session.id, title: "use a", prompt: "cp a.txt used.txt", agentId: shared.id, dependsOn: [first.id] });
    const done = await w.settled(second.id);
    expect(done).toMatchObject({ status: "completed", branch: null, headCommit: null });
    expect(readFileSync(path.join(w.repo, "used.txt"), "utf8")).toBe("a\n");
    expect(git(w.repo, "log", "-1", "--format=%s", "main")).toMatch(/^Merge task "write a" \(rozet\/alpha-\w+\) for "use a"\n$/);
    expect(git(w.repo, "status", "--porcelain")).toBe("?? used.txt\n");
  });
});

describe("artifacts", () => {
  it("a task's named artifact (a file in its worktree) is handed to the task after it; paths outside the workspace are refused", async () => {
    const w = await repoWorld();
    const writer = await w.worker("alpha");
    const first = await w.api.task.create.mutate({ sessionId: w.session.id, title: "report", prompt: "mkdir -p out && echo findings > out/report.md", agentId: writer.id });
    const done = await w.settled(first.id);
    const worktree = git(w.repo, "worktree", "list", "--porcelain").split("\n\n").find((entry) => entry.includes(done.branch!))!.split("\n")[0]!.slice("worktree ".length);
    const artifact = await w.api.task.addArtifact.mutate({ id: first.id, name: "findings", path: path.join(worktree, "out/report.md"), mimeType: "text/markdown" });
    expect(artifact).toMatchObject({ taskId: first.id, name: "findings", size: 9, mimeType: "text/markdown" });
    const outside = await w.api.task.addArtifact.mutate({ id: first.id, name: "passwd", path: "../../../../etc/passwd" }).catch((e: unknown) => e);
    expect(outside).toMatchObject({ data: { domainCode: "FORBIDDEN" } });
    const missing = await w.api.task.addArtifact.mutate({ id: first.id, name: "none", path: "no/such.md" }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ data: { domainCode: "INVALID_INPUT", details: { field: "path" } } });

    const second = await w.api.task.create.mutate({ sessionId: w.session.id, title: "read report", prompt: "cat out/report.md", agentId: writer.id, dependsOn: [first.id] });
    expect(await w.settled(second.id)).toMatchObject({ status: "completed" });
    const [handoff] = await w.eventsOf("task.handoff", second.id);
    expect(handoff!.payload).toMatchObject({ dependencies: [{ taskId: first.id, artifacts: [{ name: "findings", path: artifact.path, size: 9, mimeType: "text/markdown" }] }] });
  });
});

describe("a merge conflict", () => {
  const conflicting = { a: "echo from-a > same.txt", b: "echo from-b > same.txt" };

  it("stops the task (blocked, the files named) with the conflict on the timeline; resolving by hand then starts it", async () => {
    const w = await repoWorld();
    const { third, second } = await diamond(w, { ...conflicting, c: "cat same.txt > seen.txt" });
    const stopped = await w.settled(third.id);
    expect(stopped).toMatchObject({ status: "blocked", error: "merge conflict in same.txt", attempts: 1 });
    expect(stopped.mergeConflict).toMatchObject({ dependencyTaskId: second.id, dependencyTitle: "write b", files: ["same.txt"], merged: [{ title: "write a", outcome: "merged" }] });
    expect(stopped.mergeConflict!.hunks[0]!.text).toMatch(/^<<<<<<< HEAD\nfrom-a\n=======\nfrom-b\n>>>>>>> /);
    const [event] = await w.eventsOf("task.merge_conflict", third.id);
    expect(event).toMatchObject({ status: "blocked", summary: "combine: merge conflict in same.txt", payload: { files: ["same.txt"], path: stopped.mergeConflict!.path } });
    // Nothing ran: the scheduler does not retry it by itself.
    await w.server.room.tasks.schedule(w.session.id);
    expect((await w.api.task.get.query({ id: third.id })).status).toBe("blocked");

    // "Resolved" while files are still unmerged is refused, naming them.
    const early = await w.api.task.resolveConflict.mutate({ id: third.id, resolution: "resolved" }).catch((e: unknown) => e);
    expect(early).toMatchObject({ data: { code: "CONFLICT", domainCode: "ILLEGAL_STATE" } });
    expect((early as Error).message).toContain("same.txt");

    const worktree = stopped.mergeConflict!.path;
    writeFileSync(path.join(worktree, "same.txt"), "from-a and from-b\n");
    git(worktree, "add", "same.txt");
    const resumed = await w.api.task.resolveConflict.mutate({ id: third.id, resolution: "resolved" });
    expect(resumed).toMatchObject({ mergeConflict: null });
    const done = await w.settled(third.id, ["completed", "failed"]);
    expect(done).toMatchObject({ status: "completed", attempts: 2 });
    expect(readFileSync(path.join(worktree, "seen.txt"), "utf8")).toBe("from-a and from-b\n");
    expect(git(worktree, "log", "-1", "--merges", "--format=%s", done.baseCommit!)).toBe('Merge task "write b" (resolved by the operator)\n');
    const [resolved] = await w.eventsOf("task.conflict_resolved", third.id);
    expect(resolved).toMatchObject({ status: "resolved", payload: { resolution: "resolved", files: ["same.txt"] } });
  });

  it("handed to the agent: the task starts without merging again and its turn concludes the merge", async () => {
    const w = await repoWorld();
    // A shell agent's "resolution" is its command: take b's side, then do the work.
    const { third } = await diamond(w, { ...conflicting, c: "echo resolved-by-agent > same.txt && cat same.txt > seen.txt" });
    const stopped = await w.settled(third.id);
    expect(stopped.status).toBe("blocked");
    const worktree = stopped.mergeConflict!.path;
    const handed = await w.api.task.resolveConflict.mutate({ id: third.id, resolution: "agent" });
    expect(handed).toMatchObject({ mergeConflict: { resolution: "agent" } });
    const done = await w.settled(third.id, ["completed", "failed"]);
    expect(done).toMatchObject({ status: "completed", mergeConflict: null });
    // The task's own commit concluded the merge: two parents, no merge in progress, the agent's content.
    expect(git(worktree, "rev-list", "--parents", "-n", "1", done.headCommit!).trim().split(" ")).toHaveLength(3);
    expect(git(worktree, "status", "--porcelain")).toBe("");
    expect(git(worktree, "show", `${done.headCommit!}:same.txt`)).toBe("resolved-by-agent\n");
    expect((await w.eventsOf("task.conflict_resolved", third.id))[0]).toMatchObject({ status: "agent" });
  });

  it("cancelled: the merge is aborted and the task cancelled with the reason", async () => {
    const w = await repoWorld();
    const { third } = await diamond(w, { ...conflicting, c: "echo never > never.txt" });
    const stopped = await w.settled(third.id);
    const worktree = stopped.mergeConflict!.path;
    expect(existsSync(path.join(git(worktree, "rev-parse", "--absolute-git-dir").trim(), "MERGE_HEAD"))).toBe(true);
    const cancelled = await w.api.task.resolveConflict.mutate({ id: third.id, resolution: "cancel" });
    expect(cancelled).toMatchObject({ status: "cancelled", mergeConflict: null, error: "cancelled by operator at a merge conflict (same.txt)" });
    expect(existsSync(path.join(git(worktree, "rev-parse", "--absolute-git-dir").trim(), "MERGE_HEAD"))).toBe(false);
    expect(git(worktree, "status", "--porcelain")).toBe("");
    expect(existsSync(path.join(worktree, "never.txt"))).toBe(false);
    // A second answer finds nothing to resolve.
    await expect(w.api.task.resolveConflict.mutate({ id: third.id, resolution: "resolved" })).rejects.toMatchObject({ data: { domainCode: "ILLEGAL_STATE" } });
  });
});
