import { afterAll, describe, expect, it, vi } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DomainError } from "@rozet/vocabulary";
import {
  agentWorktreeName,
  changesSince,
  createAgentWorktree,
  ensureWorkspace,
  isWorkspaceLocked,
  removeAgentWorktree,
  resolveWorkspace,
  takeWorkspaceSnapshot,
  withWorkspaceLock,
} from "../src/workspaces/index.ts";

vi.setConfig({ testTimeout: 30_000 });

const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), "rozet-ws-")));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let count = 0;
function freshDir(): string {
  const dir = path.join(tmp, `d-${++count}`);
  mkdirSync(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });
}

function gitRepo(withCommit = true): string {
  const dir = freshDir();
  git(dir, "init", "-q");
  if (withCommit) {
    writeFileSync(path.join(dir, "README.md"), "hello\n");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "init");
  }
  return dir;
}

describe("sandbox", () => {
  const root = freshDir();
  const outside = freshDir();

  it("resolves relative workspaces inside the root and creates them", () => {
    expect(resolveWorkspace(root, "project")).toBe(path.join(root, "project"));
    expect(ensureWorkspace(root, "a/b")).toBe(path.join(root, "a", "b"));
    expect(existsSync(path.join(root, "a", "b"))).toBe(true);
  });

  it("refuses ../.. traversal with FORBIDDEN and says why", () => {
    const attempt = () => resolveWorkspace(root, "../..");
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(attempt).toThrow(/outside the workspaces root/);
    expect(() => ensureWorkspace(root, "ok/../../escape")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(existsSync(path.join(path.dirname(root), "escape"))).toBe(false);
  });

  it("refuses a symlink inside the root that points outside it, also below it", () => {
    symlinkSync(outside, path.join(root, "link-out"));
    expect(() => resolveWorkspace(root, "link-out")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(() => ensureWorkspace(root, "link-out/new-folder")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(existsSync(path.join(outside, "new-folder"))).toBe(false);
  });

  it("refuses a dangling symlink whose target cannot be judged", () => {
    symlinkSync(path.join(outside, "not-yet"), path.join(root, "dangling"));
    expect(() => ensureWorkspace(root, "dangling")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(existsSync(path.join(outside, "not-yet"))).toBe(false);
  });

  it("accepts a symlink that stays inside the root, as its real path", () => {
    mkdirSync(path.join(root, "real"));
    symlinkSync(path.join(root, "real"), path.join(root, "alias"));
    expect(resolveWorkspace(root, "alias")).toBe(path.join(root, "real"));
  });
});

describe("agent worktrees", () => {
  it("gives two agents two worktrees on two branches, isolated from each other", async () => {
    const repo = gitRepo();
    const one = await createAgentWorktree({ workspace: repo, agentName: "Builder", agentId: "ag_0123456789abcdef" });
    const two = await createAgentWorktree({ workspace: repo, agentName: "Reviewer", agentId: "ag_fedcba9876543210" });
    expect(one).toMatchObject({ isolated: true, branch: "rozet/builder-ag012345" });
    expect(two).toMatchObject({ isolated: true, branch: "rozet/reviewer-agfedcba" });
    expect(one.path).toBe(path.join(repo, ".rozet", "worktrees", "builder-ag012345"));
    expect(one.path).not.toBe(two.path);
    expect(git(one.path, "branch", "--show-current").trim()).toBe(one.branch);
    expect(git(two.path, "branch", "--show-current").trim()).toBe(two.branch);
    expect(readFileSync(path.join(one.path, "README.md"), "utf8")).toBe("hello\n");

    writeFileSync(path.join(one.path, "only-in-one.txt"), "x");
    expect(existsSync(path.join(two.path, "only-in-one.txt"))).toBe(false);
    expect(existsSync(path.join(repo, "only-in-one.txt"))).toBe(false);
    // The worktrees folder does not show up as untracked in the workspace itself.
    expect(git(repo, "status", "--porcelain")).toBe("");
  });

  it("reuses the agent's worktree when it starts again", async () => {
    const repo = gitRepo();
    const input = { workspace: repo, agentName: "Builder", agentId: "ag_11112222" };
    const first = await createAgentWorktree(input);
    writeFileSync(path.join(first.path, "work.txt"), "kept");
    const again = await createAgentWorktree(input);
    expect(again.path).toBe(first.path);
    expect(readFileSync(path.join(again.path, "work.txt"), "utf8")).toBe("kept");
  });

  it("creates concurrent worktrees in one repository without racing", async () => {
    const repo = gitRepo();
    const created = await Promise.all(
      ["a", "b", "c", "d"].map((name, index) => createAgentWorktree({ workspace: repo, agentName: name, agentId: `id${index}` })),
    );
    expect(new Set(created.map((worktree) => worktree.path)).size).toBe(4);
    expect(created.every((worktree) => worktree.isolated)).toBe(true);
  });

  it("falls back to the shared workspace outside git, or before the first commit", async () => {
    const plain = freshDir();
    await expect(createAgentWorktree({ workspace: plain, agentName: "x", agentId: "1" })).resolves.toMatchObject({
      path: plain,
      isolated: false,
      reason: "not a git repository",
    });
    const empty = gitRepo(false);
    await expect(createAgentWorktree({ workspace: empty, agentName: "x", agentId: "1" })).resolves.toMatchObject({
      path: empty,
      isolated: false,
    });
    // A folder inside someone else's repository is not a repository of its own.
    const repo = gitRepo();
    const inner = path.join(repo, "sub");
    mkdirSync(inner);
    await expect(createAgentWorktree({ workspace: inner, agentName: "x", agentId: "1" })).resolves.toMatchObject({ isolated: false });
  });

  it("sanitizes agent names into safe folder and branch names", () => {
    expect(agentWorktreeName("../../evil; rm -rf ~", "AG-42/x")).toBe("evil-rm-rf-ag42x");
    expect(agentWorktreeName("Zoë the Ünicode", "abcdefghij")).toBe("zoe-the-unicode-abcdefgh");
    expect(agentWorktreeName("..", "1")).toBe("agent-1");
    expect(agentWorktreeName("-x.lock", "1")).toBe("x-lock-1");
    expect(() => agentWorktreeName("a", "--")).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
  });

  it("removes a worktree, refusing to lose uncommitted work unless forced", async () => {
    const repo = gitRepo();
    const input = { workspace: repo, agentName: "Builder", agentId: "rm000001" };
    const worktree = await createAgentWorktree(input);
    writeFileSync(path.join(worktree.path, "README.md"), "changed\n");
    await expect(removeAgentWorktree(input)).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
    await expect(removeAgentWorktree({ ...input, force: true, deleteBranch: true })).resolves.toEqual({ removed: true });
    expect(existsSync(worktree.path)).toBe(false);
    expect(git(repo, "branch", "--list", "rozet/*")).toBe("");
    await expect(removeAgentWorktree(input)).resolves.toEqual({ removed: false });
  });
});

describe("withWorkspaceLock", () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("serializes turns on one workspace, in arrival order, even through a symlink", async () => {
    const dir = freshDir();
    symlinkSync(dir, `${dir}-alias`);
    const log: string[] = [];
    let waited = 0;
    const turn = (name: string, through: string) =>
      withWorkspaceLock(
        through,
        async () => {
          log.push(`${name} start`);
          await sleep(50);
          log.push(`${name} end`);
          return name;
        },
        { onWait: () => waited++ },
      );
    const results = await Promise.all([turn("a", dir), turn("b", `${dir}-alias`), turn("c", `${dir}/`)]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["a start", "a end", "b start", "b end", "c start", "c end"]);
    expect(waited).toBe(2);
    expect(isWorkspaceLocked(dir)).toBe(false);
  });

  it("lets different workspaces run at the same time", async () => {
    const log: string[] = [];
    const turn = (dir: string, name: string) =>
      withWorkspaceLock(dir, async () => {
        log.push(`${name} start`);
        await sleep(50);
        log.push(`${name} end`);
      });
    await Promise.all([turn(freshDir(), "a"), turn(freshDir(), "b")]);
    expect(log).toEqual(["a start", "b start", "a end", "b end"]);
  });

  it("releases the lock when a turn throws", async () => {
    const dir = freshDir();
    const failing = withWorkspaceLock(dir, async () => {
      throw new Error("boom");
    });
    const next = withWorkspaceLock(dir, async () => "ran");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
  });
});

describe("workspace snapshots", () => {
  it("skips folders that are not the top of a git work tree", async () => {
    expect(await takeWorkspaceSnapshot(freshDir())).toBeUndefined();
    const repo = gitRepo();
    mkdirSync(path.join(repo, "sub"));
    expect(await takeWorkspaceSnapshot(path.join(repo, "sub"))).toBeUndefined();
  });

  it("reports only what moved since the snapshot, including files restored to HEAD", async () => {
    const repo = gitRepo();
    writeFileSync(path.join(repo, "README.md"), "dirty before\n");
    writeFileSync(path.join(repo, "untracked-before.txt"), "x\n");
    const snapshot = (await takeWorkspaceSnapshot(repo))!;
    git(repo, "checkout", "--", "README.md");
    rmSync(path.join(repo, "untracked-before.txt"));
    writeFileSync(path.join(repo, "new.txt"), "n\n");
    const { changes, omitted } = await changesSince(snapshot);
    expect(omitted).toEqual([]);
    expect(changes).toEqual([
      { path: "README.md", kind: "modified", summarized: true, restored: true, reason: "restored to its HEAD content" },
      { path: "new.txt", kind: "added", summarized: false, patch: expect.stringContaining("+n"), added: 1, removed: 0 },
      { path: "untracked-before.txt", kind: "deleted", summarized: true, reason: expect.stringContaining("untracked") },
    ]);
  });

  it("works in a repository without commits and caps the itemized files", async () => {
    const repo = gitRepo(false);
    const snapshot = (await takeWorkspaceSnapshot(repo))!;
    for (let i = 0; i < 5; i++) writeFileSync(path.join(repo, `f${i}.txt`), `${i}\n`);
    const { changes, omitted } = await changesSince(snapshot, { maxFiles: 3 });
    expect(changes.map((change) => change.path)).toEqual(["f0.txt", "f1.txt", "f2.txt"]);
    expect(changes[0]!.patch).toContain("+0");
    expect(omitted).toEqual(["f3.txt", "f4.txt"]);
  });
});
