import { relative, isAbsolute } from "node:path";
import { createTwoFilesPatch } from "diff";

// ACP diffs are (oldText, newText) pairs; the timeline wants unified text. Large inputs are summarized instead
// of diffed: the diff algorithm is superlinear and a 10 MB event helps nobody.

export const MAX_DIFF_BYTES = 256 * 1024;

export interface FileDiff {
  path: string;
  /** "created" when the agent had no old text, else "modified". */
  change: "created" | "modified";
  /** Unified diff, absent when `truncated`. */
  diff?: string | undefined;
  additions?: number | undefined;
  deletions?: number | undefined;
  /** True when the texts or the diff exceeded MAX_DIFF_BYTES; then only the sizes are kept. */
  truncated?: boolean | undefined;
  oldBytes: number;
  newBytes: number;
}

function displayName(path: string, cwd: string): string {
  const rel = isAbsolute(path) ? relative(cwd, path) : path;
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

export function unifiedDiff(path: string, oldText: string | null | undefined, newText: string, cwd: string): FileDiff {
  const change = oldText === null || oldText === undefined ? "created" : "modified";
  const before = oldText ?? "";
  const oldBytes = Buffer.byteLength(before);
  const newBytes = Buffer.byteLength(newText);
  if (oldBytes + newBytes > MAX_DIFF_BYTES) return { path, change, truncated: true, oldBytes, newBytes };

  const name = displayName(path, cwd);
  const diff = createTwoFilesPatch(change === "created" ? "/dev/null" : `a/${name}`, `b/${name}`, before, newText, undefined, undefined, {
    context: 3,
  });
  if (Buffer.byteLength(diff) > MAX_DIFF_BYTES) return { path, change, truncated: true, oldBytes, newBytes };

  let additions = 0;
  let deletions = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+") && !line.startsWith("+++")) additions++;
    else if (line.startsWith("-") && !line.startsWith("---")) deletions++;
  }
  return { path, change, diff, additions, deletions, oldBytes, newBytes };
}
