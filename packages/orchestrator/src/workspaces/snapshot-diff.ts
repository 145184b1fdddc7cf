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
 *
 * The event payload follows `file.changed` in docs/events.md (`patch`, or `summarized` + `reason`; `added`,
 * `removed`), except that `kind` is added | modified | deleted: a shell command can delete files, which the
 * editing tools' create | update cannot express.
 */

export type FileChangeKind = "added" | "modified" | "deleted";

export interface FileChange {
  /** Relative to the workspace, with "/" separators (as git prints it). */
  path: string;
  kind: FileChangeKind;
  /** True when there is no patch; `reason` says why (binary, too large, restored …). Never dropped silently. */
  summarized: boolean;
  /** Unified diff against the snapshot's base, when small and textual. */
  patch?: string | undefined;
  reason?: string | undefined;
  /** Line counts, when git can tell (not for binary files). */
  added?: number | undefined;
  removed?: number | undefined;
  /** The file went back to its HEAD content (dirty before the command, clean after). */
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
  /** Per-file patch budget; larger files and patches are summarized. Default 256 KiB. */
  maxDiffBytes?: number;
  /** Patch budget for the whole command, so a mass rewrite does not become megabytes of events. Default 2 MiB. */
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

/** Files whose state moved since `snapshot`, with their patches (size-guarded). */
export async function changesSince(snapshot: WorkspaceSnapshot, limits: DiffLimits = {}): Promise<ChangesSince> {
  const { maxDiffBytes, maxTotalDiffBytes, maxFiles } = { ...DEFAULTS, ...limits };
  const after = await readStatus(snapshot.cwd);
  const moved = [...new Set([...snapshot.entries.keys(), ...after.keys()])]
    .filter((file) => !sameState(snapshot.entries.get(file), after.get(file)))
    .sort();
  const changes: FileChange[] = [];
  let budget = maxTotalDiffBytes;
  for (const file of moved.slice(0, maxFiles)) {
    const change = classify(file, snapshot.entries.get(file), after.get(file));
    if (!change.summarized) {
      const untracked = after.get(file)?.code === "??";
      Object.assign(change, await diffFile(snapshot, file, untracked, Math.min(maxDiffBytes, budget), maxDiffBytes));
      budget -= change.patch ? Buffer.byteLength(change.patch) : 0;
    }
    changes.push(change);
  }
  return { changes, omitted: moved.slice(maxFiles) };
}

/** The timeline events for a command's changes: one `file.changed` per file, one marker for any omitted rest. */
export function fileChangeEvents(snapshot: WorkspaceSnapshot, result: ChangesSince, extra: Record<string, unknown> = {}): DriverEvent[] {
  const events: DriverEvent[] = result.changes.map((change) => ({
    type: "file.changed",
    filePath: path.join(snapshot.cwd, change.path),
    summary: describeChange(change),
    payload: { ...extra, ...change, base: snapshot.base === "HEAD" ? "HEAD" : "empty" },
  }));
  if (result.omitted.length > 0) {
    events.push({
      type: "workspace.changes_truncated",
      summary: `${result.omitted.length} more changed files not itemized`,
      payload: { ...extra, omitted: result.omitted.length, examples: result.omitted.slice(0, 20) },
    });
  }
  return events;
}

/** "modified src/a.ts (+3 −1)", "added logo.png (binary file, 12 KiB)". */
function describeChange(change: FileChange): string {
  const counts = change.added !== undefined ? ` (+${change.added} −${change.removed ?? 0})` : "";
  const reason = change.summarized && change.reason ? ` (${change.reason})` : "";
  return `${change.kind} ${change.path}${counts || reason}`;
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
    if (before?.code === "??") {
      return { path: file, kind: "deleted", summarized: true, reason: "untracked file removed; its content was never in git" };
    }
    const kind = before?.code.includes("D") ? "added" : "modified";
    return { path: file, kind, summarized: true, restored: true, reason: "restored to its HEAD content" };
  }
  if (file.endsWith("/")) return { path: file, kind: "added", summarized: true, reason: "folder (a nested repository)" };
  if (after.code.includes("D")) return { path: file, kind: "deleted", summarized: false };
  const newlyAdded = after.code === "??" || after.code.includes("A");
  if ((!before && newlyAdded) || before?.code.includes("D")) return { path: file, kind: "added", summarized: false };
  return { path: file, kind: "modified", summarized: false };
}

type DiffOutcome = Pick<FileChange, "summarized" | "patch" | "reason" | "added" | "removed">;

async function diffFile(snapshot: WorkspaceSnapshot, file: string, untracked: boolean, budget: number, maxDiffBytes: number): Promise<DiffOutcome> {
  // Untracked files are diffed against /dev/null (`--no-index` exits 1 when the files differ, which is the point).
  const target = untracked ? ["--no-index", "--", "/dev/null", file] : [snapshot.base, "--", file];
  const diff = (extra: string[], maxBuffer: number) =>
    runGit(snapshot.cwd, ["diff", "--no-ext-diff", "--no-textconv", ...extra, ...target], { okExitCodes: [0, 1], maxBuffer });
  const summarize = async (reason: string): Promise<DiffOutcome> => ({ summarized: true, reason, ...(await lineCounts()) });
  const lineCounts = async () => {
    try {
      // numstat: "added<TAB>removed<TAB>path", with "-" for binary files.
      const [added, removed] = (await diff(["--numstat"], 64 * 1024)).stdout.split("\t").map(Number);
      return Number.isInteger(added) && Number.isInteger(removed) ? { added, removed } : {};
    } catch {
      return {};
    }
  };

  const size = sizeOf(path.join(snapshot.cwd, file));
  if (size > maxDiffBytes) return summarize(`${formatBytes(size)}, over the ${formatBytes(maxDiffBytes)} diff limit`);
  if (budget <= 0) return summarize("this command's diff budget is used up");
  let patch: string;
  try {
    patch = (await diff([], budget)).stdout;
  } catch (error) {
    if (error instanceof GitError && error.causeCode === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
      return summarize(`diff over the ${formatBytes(budget)} limit`);
    }
    return { summarized: true, reason: `diff unavailable: ${(error as Error).message}` };
  }
  if (/^Binary files .* differ$/m.test(patch)) return { summarized: true, reason: `binary file, ${formatBytes(size)}` };
  if (patch.length === 0) return { summarized: true, reason: "no content change (mode or metadata only)" };
  return { summarized: false, patch, ...countPatchLines(patch) };
}

function countPatchLines(patch: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  let inHunk = false; // before the first "@@", "---"/"+++" are file headers, not lines
  for (const line of patch.split("\n")) {
    if (line.startsWith("@@")) inHunk = true;
    else if (inHunk && line.startsWith("+")) added++;
    else if (inHunk && line.startsWith("-")) removed++;
  }
  return { added, removed };
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
