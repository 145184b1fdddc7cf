import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { GitError, hasCommits, isGitWorkTreeRoot, runGit } from "./git.ts";
import { isInsideRoot } from "./sandbox.ts";

/**
 * The git a task's turn needs around it: where it starts (HEAD), committing its work on its agent's branch,
 * the files it changed with their diffs, and merging the work of the tasks it depends on. Every call goes through
 * runGit (argv, no shell) and, for commands that could run a repository's hooks (commit, merge), with hooks off.
 */

/** Commits and merges are the control room's own: a repository's hooks must not run, and no identity need be configured. */
const AS_ROZET = ["-c", "core.hooksPath=/dev/null", "-c", "user.name=Rozet Control Room", "-c", "user.email=rozet@localhost", "-c", "commit.gpgSign=false"];

/** The repository state a task turn sees: HEAD, and the branch when on one; null outside a repository or before a commit. */
export async function gitHead(cwd: string): Promise<{ commit: string; branch: string | null } | null> {
  if (!(await isGitWorkTreeRoot(cwd)) || !(await hasCommits(cwd))) return null;
  const commit = (await runGit(cwd, ["rev-parse", "--verify", "HEAD^{commit}"])).stdout.trim();
  const ref = await runGit(cwd, ["symbolic-ref", "--quiet", "--short", "HEAD"], { okExitCodes: [0, 1] });
  return { commit, branch: ref.exitCode === 0 ? ref.stdout.trim() : null };
}

/**
 * Commits everything in the worktree (new, changed and deleted files; an agent resolving a conflict concludes the
 * merge this way) and returns the new HEAD, or the old one when there was nothing to commit.
 */
export async function commitAll(cwd: string, message: string): Promise<string> {
  await runGit(cwd, ["add", "--all", "--", "."]);
  const staged = await runGit(cwd, ["diff", "--cached", "--quiet"], { okExitCodes: [0, 1] });
  if (staged.exitCode === 1 || (await mergeInProgress(cwd))) {
    await runGit(cwd, [...AS_ROZET, "commit", "--quiet", "--no-verify", "--allow-empty", "-m", message]);
  }
  return (await runGit(cwd, ["rev-parse", "--verify", "HEAD^{commit}"])).stdout.trim();
}

export interface ChangedFile {
  path: string;
  /** git's letter: A added, M modified, D deleted, T type changed. */
  status: string;
}

/** Files that differ between two commits (no rename detection: a rename is a delete and an add). */
export async function changedFiles(cwd: string, base: string, head: string): Promise<ChangedFile[]> {
  const { stdout } = await runGit(cwd, ["diff", "--name-status", "-z", "--no-renames", base, head, "--"]);
  const parts = stdout.split("\0");
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) files.push({ status: parts[i]!, path: parts[i + 1]! });
  return files;
}

/** One file's unified diff between two commits (binary files say so in one line). */
export async function fileDiff(cwd: string, base: string, head: string, file: string): Promise<string> {
  const { stdout } = await runGit(cwd, ["diff", "--no-ext-diff", "--no-textconv", "--no-color", base, head, "--", file]);
  return stdout;
}

export async function isAncestor(cwd: string, commit: string, of = "HEAD"): Promise<boolean> {
  return (await runGit(cwd, ["merge-base", "--is-ancestor", commit, of], { okExitCodes: [0, 1] })).exitCode === 0;
}

export async function commitExists(cwd: string, commit: string): Promise<boolean> {
  return (await runGit(cwd, ["cat-file", "-e", `${commit}^{commit}`], { okExitCodes: [0, 1, 128] })).exitCode === 0;
}

/** False outside a repository too (a folder that is no longer one has no merge to conclude or abort). */
export async function mergeInProgress(cwd: string): Promise<boolean> {
  return (await runGit(cwd, ["rev-parse", "-q", "--verify", "MERGE_HEAD"], { okExitCodes: [0, 1, 128] })).exitCode === 0;
}

/** Paths git still lists as unmerged (conflicts not yet marked resolved). */
export async function unmergedFiles(cwd: string): Promise<string[]> {
  const { stdout } = await runGit(cwd, ["diff", "--name-only", "-z", "--diff-filter=U"]);
  return [...new Set(stdout.split("\0").filter((p) => p !== ""))];
}

export async function abortMerge(cwd: string): Promise<void> {
  if (await mergeInProgress(cwd)) await runGit(cwd, ["merge", "--abort"]);
}

export interface ConflictHunk {
  path: string;
  /** The conflict-marked regions of the file (`<<<<<<<` … `>>>>>>>`), clipped. */
  text: string;
  truncated: boolean;
}

export type MergeOutcome =
  | { kind: "merged"; commit: string }
  | { kind: "up-to-date" }
  | { kind: "conflict"; files: string[]; hunks: ConflictHunk[] }
  /** git refused before merging (e.g. uncommitted changes the merge would overwrite). */
  | { kind: "refused"; reason: string };

/** Merges one commit into the worktree's HEAD with a merge commit (never assuming a fast-forward). */
export async function mergeCommit(cwd: string, commit: string, message: string): Promise<MergeOutcome> {
  if (await isAncestor(cwd, commit)) return { kind: "up-to-date" };
  try {
    await runGit(cwd, [...AS_ROZET, "merge", "--no-ff", "--no-edit", "--no-verify", "-m", message, commit]);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const files = await unmergedFiles(cwd);
    if (files.length === 0) {
      await abortMerge(cwd).catch(() => undefined);
      return { kind: "refused", reason: error.stderr.trim().split("\n").slice(0, 6).join("\n") || error.message };
    }
    return { kind: "conflict", files, hunks: files.slice(0, MAX_HUNK_FILES).map((file) => conflictHunks(cwd, file)) };
  }
  return { kind: "merged", commit: (await runGit(cwd, ["rev-parse", "--verify", "HEAD^{commit}"])).stdout.trim() };
}

const MAX_HUNK_FILES = 20;
const MAX_HUNK_BYTES = 4_096;

/** The conflict-marked regions of one file, read from the worktree (inside it only), clipped to 4 KB. */
function conflictHunks(cwd: string, file: string): ConflictHunk {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    if (!isInsideRoot(realpathSync(cwd), realpathSync(full))) return { path: file, text: "(outside the worktree)", truncated: false };
    text = readFileSync(full, "utf8");
  } catch {
    return { path: file, text: "(deleted on one side)", truncated: false };
  }
  const regions: string[] = [];
  let current: string[] | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("<<<<<<<")) current = [];
    if (current) current.push(line);
    if (current && line.startsWith(">>>>>>>")) {
      regions.push(current.join("\n"));
      current = null;
    }
  }
  const joined = regions.length > 0 ? regions.join("\n…\n") : "(no conflict markers: the file was changed on one side and deleted on the other, or is binary)";
  const truncated = Buffer.byteLength(joined) > MAX_HUNK_BYTES;
  return { path: file, text: truncated ? clipBytes(joined, MAX_HUNK_BYTES) : joined, truncated };
}

/** The longest prefix of `text` within `bytes` UTF-8 bytes (never cutting a character in half). */
export function clipBytes(text: string, bytes: number): string {
  const buffer = Buffer.from(text);
  if (buffer.length <= bytes) return text;
  return buffer.subarray(0, bytes).toString("utf8").replace(/\uFFFD$/, "");
}
