import { lstatSync } from "node:fs";
import path from "node:path";
import type { DriverEvent } from "../runtime/driver.ts";
import { GitError, hasCommits, isGitWorkTreeRoot, runGit } from "./git.ts";

/**
 * What a command changed in a git workspace: `git status` before and after, and a per-file `git diff` for what
 * differs. A path counts as changed by the command when its status or its (size, mtime, inode) moved, so files
 * that were already dirty before are not re-reported. The diff itself is against HEAD (for a file that was
 * already dirty it includes the earlier edits; `payload.base` says so).
 *
 * Non-git workspaces are skipped (`takeWorkspaceSnapshot` returns undefined): without an index there is no cheap,
 * reliable baseline, and walking and hashing an arbitrary tree after every command would cost more than it tells.
 */

export type FileChangeKind = "added" | "modified" | "deleted";

export interface FileChange {
  /** Relative to the workspace, with "/" separators (as git prints it). */
  path: string;
  kind: FileChangeKind;
  /** Unified diff against `base`, when small and textual. */
  diff?: string | undefined;
  /** Why there is no diff (binary, too large, folder …). Never absent together with `diff` unless `restored`. */
  summarized?: string | undefined;
  /** The file went back to its HEAD content (it was dirty before the command, clean after). */
  restored?: boolean | undefined;
}

export interface WorkspaceSnapshot {
  cwd: string;
  /** "HEAD", or the empty tree for a repository without commits. */
  base: string;
  entries: Map<string, EntryState>;
}

interface EntryState {
  /** porcelain XY code, e.g. " M", "??", "D ". */
  code: string;
  /** size:mtime:inode, or "missing". */
  stat: string;
}

export interface DiffLimits {
  /** Per-file diff budget; larger files and diffs are summarized. Default 256 KiB. */
  maxDiffBytes?: number;
  /** Diff budget for the whole command, so a mass rewrite does not become megabytes of events. Default 2 MiB. */
  maxTotalDiffBytes?: number;
  /** Files reported one by one; the rest are counted in one `workspace.changes_truncated` event. Default 200. */
  maxFiles?: number;
}

export interface ChangesSince {
  changes: FileChange[];
  /** Paths beyond `maxFiles`: changed, counted, not itemized. */
  omitted: string[];
}

const DEFAULTS = { maxDiffBytes: 256 * 1024, maxTotalDiffBytes: 2 * 1024 * 1024, maxFiles: 200 } satisfies Required<DiffLimits>;

/** The status of every dirty path in `cwd`, or undefined when `cwd` is not the top of a git work tree. */
export async function takeWorkspaceSnapshot(cwd: string): Promise<WorkspaceSnapshot | undefined> {
  if (!(await isGitWorkTreeRoot(cwd))) return undefined;
  const base = (await hasCommits(cwd)) ? "HEAD" : (await runGit(cwd, ["hash-object", "-t", "tree", "/dev/null"])).stdout.trim();
  return { cwd, base, entries: await readStatus(cwd) };
}

/** Files whose state moved since `snapshot`, with their diffs (size-guarded). */
export async function changesSince(snapshot: WorkspaceSnapshot, limits: DiffLimits = {}): Promise<ChangesSince> {
  const { maxDiffBytes, maxTotalDiffBytes, maxFiles } = { ...DEFAULTS, ...limits };
  const after = await readStatus(snapshot.cwd);
  const moved = [...new Set([...snapshot.entries.keys(), ...after.keys()])]
    .filter((file) => !sameState(snapshot.entries.get(file), after.get(file)))
    .sort();
  const changes: FileChange[] = [];
  let diffBudget = maxTotalDiffBytes;
  for (const file of moved.slice(0, maxFiles)) {
    const change = classify(file, snapshot.entries.get(file), after.get(file));
    if (!change.restored && !change.summarized) {
      const diff = await diffFile(snapshot, file, after.get(file)?.code ?? "", Math.min(maxDiffBytes, diffBudget), maxDiffBytes);
      Object.assign(change, diff);
      diffBudget -= change.diff ? Buffer.byteLength(change.diff) : 0;
    }
    changes.push(change);
  }
  return { changes, omitted: moved.slice(maxFiles) };
}

/** The timeline events for a command's changes: one `file.changed` per file, one marker for any omitted rest. */
export function fileChangeEvents(snapshot: WorkspaceSnapshot, result: ChangesSince): DriverEvent[] {
  const events: DriverEvent[] = result.changes.map((change) => ({
    type: "file.changed",
    filePath: path.join(snapshot.cwd, change.path),
    summary: `${change.kind} ${change.path}${change.restored ? " (restored)" : ""}`,
    payload: { ...change, base: snapshot.base === "HEAD" ? "HEAD" : "empty" },
  }));
  if (result.omitted.length > 0) {
    events.push({
      type: "workspace.changes_truncated",
      summary: `${result.omitted.length} more changed files not itemized`,
      payload: { omitted: result.omitted.length, examples: result.omitted.slice(0, 20) },
    });
  }
  return events;
}

async function readStatus(cwd: string): Promise<Map<string, EntryState>> {
  const { stdout } = await runGit(cwd, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", "."]);
  const entries = new Map<string, EntryState>();
  for (const record of stdout.split("\0")) {
    if (record.length < 4) continue;
    const file = record.slice(3);
    entries.set(file, { code: record.slice(0, 2), stat: statSignature(path.join(cwd, file)) });
  }
  return entries;
}

function statSignature(file: string): string {
  try {
    const stat = lstatSync(file, { bigint: true }); // lstat: a symlink is judged as itself, never followed
    return `${stat.size}:${stat.mtimeNs}:${stat.ino}`;
  } catch {
    return "missing";
  }
}

function sameState(before: EntryState | undefined, after: EntryState | undefined): boolean {
  return before?.code === after?.code && before?.stat === after?.stat;
}

function classify(file: string, before: EntryState | undefined, after: EntryState | undefined): FileChange {
  if (!after) {
    // Dirty before, clean now: an untracked file went away, or a tracked one is back to its HEAD content.
    if (before?.code === "??") return { path: file, kind: "deleted", summarized: "untracked file removed (content was never in git)" };
    return { path: file, kind: before?.code.includes("D") ? "added" : "modified", restored: true };
  }
  if (after.code.includes("D")) return { path: file, kind: "deleted" };
  const newlyAdded = after.code === "??" || after.code.includes("A");
  if ((!before && newlyAdded) || before?.code.includes("D")) return { path: file, kind: "added" };
  return { path: file, kind: "modified" };
}

async function diffFile(
  snapshot: WorkspaceSnapshot,
  file: string,
  code: string,
  budget: number,
  maxDiffBytes: number,
): Promise<Pick<FileChange, "diff" | "summarized">> {
  if (file.endsWith("/")) return { summarized: "folder (a nested repository)" };
  const size = sizeOf(path.join(snapshot.cwd, file));
  if (size > maxDiffBytes) return { summarized: `file is ${formatBytes(size)}, over the ${formatBytes(maxDiffBytes)} diff limit` };
  if (budget <= 0) return { summarized: "diff budget for this command used up" };
  const args =
    code === "??"
      ? ["diff", "--no-index", "--no-ext-diff", "--no-textconv", "--", "/dev/null", file]
      : ["diff", "--no-ext-diff", "--no-textconv", snapshot.base, "--", file];
  let diff: string;
  try {
    // --no-index exits 1 when the files differ, which is the point.
    diff = (await runGit(snapshot.cwd, args, { okExitCodes: [0, 1], maxBuffer: budget })).stdout;
  } catch (error) {
    if (error instanceof GitError && error.causeCode === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
      return { summarized: `diff is over the ${formatBytes(budget)} limit` };
    }
    return { summarized: `diff unavailable: ${(error as Error).message}` };
  }
  if (/^Binary files .* differ$/m.test(diff)) return { summarized: `binary file (${formatBytes(size)})` };
  return diff.length > 0 ? { diff } : { summarized: "no content change (mode or metadata only)" };
}

function sizeOf(file: string): number {
  try {
    return lstatSync(file).size;
  } catch {
    return 0; // deleted: the diff against HEAD is bounded by maxBuffer instead
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
