import { appendFileSync, existsSync, mkdirSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { DomainError } from "@rozet/vocabulary";
import { GitError, hasCommits, isGitWorkTreeRoot, runGit } from "./git.ts";
import { withKeyedLock } from "./lock.ts";
import { isInsideRoot } from "./sandbox.ts";

/**
 * One git worktree (and branch) per agent, so agents sharing a repository never write the same files. The
 * worktree starts from the workspace's HEAD: committed work only, not the workspace's uncommitted changes.
 */

export interface AgentWorktreeInput {
  /** The session workspace (already sandbox-checked). */
  workspace: string;
  agentName: string;
  agentId: string;
}

export interface AgentWorktree {
  /** Where the agent works: its worktree, or the workspace itself when it cannot be isolated. */
  path: string;
  isolated: boolean;
  /** `rozet/<name>-<id8>` when isolated. */
  branch?: string | undefined;
  /** Why the agent shares the workspace (not a repository, no commits yet). */
  reason?: string | undefined;
}

/** Worktrees live here, inside the workspace (and so inside the sandbox), hidden from `git status` via info/exclude. */
export const WORKTREES_DIR = path.join(".rozet", "worktrees");

/** `<safe-agent-name>-<id8>`: lowercase letters, digits and dashes only, valid as a folder and a branch name. */
export function agentWorktreeName(agentName: string, agentId: string): string {
  const id8 = agentId.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 8);
  if (id8.length === 0) throw new DomainError("INVALID_INPUT", `agent id ${JSON.stringify(agentId)} has no letters or digits`);
  const name =
    agentName
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "") // accents off: "Zoë" → "zoe"
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .slice(0, 40)
      .replace(/^-+|-+$/g, "") || "agent";
  return `${name}-${id8}`;
}

export async function createAgentWorktree(input: AgentWorktreeInput): Promise<AgentWorktree> {
  const workspace = realpathSync(input.workspace);
  if (!(await isGitWorkTreeRoot(workspace))) return { path: workspace, isolated: false, reason: "not a git repository" };
  if (!(await hasCommits(workspace))) return { path: workspace, isolated: false, reason: "the repository has no commits yet" };

  const name = agentWorktreeName(input.agentName, input.agentId);
  const branch = `rozet/${name}`;
  const dir = path.join(workspace, WORKTREES_DIR, name);
  // git takes locks on shared repository files; two agents starting at once must not race for them.
  return withKeyedLock(`git-worktrees:${workspace}`, async () => {
    excludeRozetFolder(await gitCommonDir(workspace));
    if (existsSync(dir)) {
      if (await isGitWorkTreeRoot(dir)) return checked(workspace, dir, branch); // agent restarted: reuse
      throw new DomainError("ILLEGAL_STATE", `${dir} exists but is not a git worktree; move it away to continue`, { path: dir });
    }
    await git(workspace, ["worktree", "prune"]); // forget worktrees whose folders were deleted by hand
    const branchExists =
      (await runGit(workspace, ["show-ref", "--verify", "--quiet", `refs/heads/${branch}`], { okExitCodes: [0, 1] })).exitCode === 0;
    mkdirSync(path.dirname(dir), { recursive: true });
    await git(
      workspace,
      branchExists ? ["worktree", "add", "--", dir, branch] : ["worktree", "add", "-b", branch, "--", dir, "HEAD"],
    );
    return checked(workspace, dir, branch);
  });
}

export interface RemoveAgentWorktreeInput extends AgentWorktreeInput {
  /** Remove even with uncommitted changes (they are lost). */
  force?: boolean;
  /** Also delete the branch. Without `force`, only when it is merged (`git branch -d`). Default: keep it. */
  deleteBranch?: boolean;
}

/** Removes the agent's worktree. The branch is kept by default: it holds the agent's committed work. */
export async function removeAgentWorktree(input: RemoveAgentWorktreeInput): Promise<{ removed: boolean }> {
  const workspace = realpathSync(input.workspace);
  if (!(await isGitWorkTreeRoot(workspace))) return { removed: false };
  const name = agentWorktreeName(input.agentName, input.agentId);
  const dir = path.join(workspace, WORKTREES_DIR, name);
  return withKeyedLock(`git-worktrees:${workspace}`, async () => {
    let removed = false;
    if (existsSync(dir)) {
      await git(workspace, ["worktree", "remove", ...(input.force ? ["--force"] : []), "--", dir]);
      removed = true;
    } else {
      await git(workspace, ["worktree", "prune"]);
    }
    if (input.deleteBranch) {
      const branch = `rozet/${name}`;
      await git(workspace, ["branch", input.force ? "-D" : "-d", "--", branch]);
    }
    return { removed };
  });
}

function checked(workspace: string, dir: string, branch: string): AgentWorktree {
  const real = realpathSync(dir);
  if (!isInsideRoot(workspace, real)) {
    throw new DomainError("FORBIDDEN", `worktree ${dir} resolves outside its workspace ${workspace}`, { path: dir });
  }
  return { path: real, isolated: true, branch };
}

async function gitCommonDir(workspace: string): Promise<string> {
  const { stdout } = await git(workspace, ["rev-parse", "--git-common-dir"]);
  return path.resolve(workspace, stdout.trim());
}

/** Keeps `.rozet/` out of the workspace's `git status` without touching its tracked .gitignore. */
function excludeRozetFolder(commonDir: string): void {
  const exclude = path.join(commonDir, "info", "exclude");
  const current = existsSync(exclude) ? readFileSync(exclude, "utf8") : "";
  if (current.split("\n").some((line) => line.trim() === "/.rozet/")) return;
  mkdirSync(path.dirname(exclude), { recursive: true });
  appendFileSync(exclude, `${current === "" || current.endsWith("\n") ? "" : "\n"}/.rozet/\n`);
}

/** git failures here are the operator's to see (dirty worktree, unmerged branch …): DomainError with git's words. */
async function git(cwd: string, args: string[]) {
  try {
    return await runGit(cwd, args);
  } catch (error) {
    if (error instanceof GitError) {
      throw new DomainError("ILLEGAL_STATE", error.message, { git: args.slice(0, 2).join(" "), stderr: error.stderr.trim() });
    }
    throw error;
  }
}
