/**
 * Unified diffs for `file.changed` events, with a size guard: a diff that is too large or binary is never dropped,
 * it is summarized (path, kind, line counts, reason) without the patch text.
 */
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch, type StructuredPatchHunk } from "diff";

export type FileChangeKind = "create" | "update";

/** Where a diff comes from: ready-made hunks (Claude's `structuredPatch`) or the file before and after. */
export type DiffSource = StructuredPatchHunk[] | { originalFile: string | null; content: string };

export type FileDiff =
  | { path: string; kind: FileChangeKind; summarized: false; patch: string; added: number; removed: number }
  | { path: string; kind: FileChangeKind; summarized: true; reason: string; added: number; removed: number };

/** Patches above this are summarized: the timeline stores every event, and one huge generated file would dominate it. */
export const MAX_PATCH_BYTES = 256 * 1024;
/** Diffing two large texts is O(N·D); past this budget we count lines instead of blocking the event loop. */
const DIFF_TIMEOUT_MS = 250;

const hasNul = (text: string) => text.includes("\u0000");

function lineCount(text: string | null): number {
  if (!text) return 0;
  const lines = text.split("\n").length;
  return text.endsWith("\n") ? lines - 1 : lines;
}

function countChanges(hunks: StructuredPatchHunk[]) {
  let added = 0;
  let removed = 0;
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith("+")) added++;
      else if (line.startsWith("-")) removed++;
    }
  }
  return { added, removed };
}

function fromHunks(path: string, kind: FileChangeKind, hunks: StructuredPatchHunk[]): FileDiff {
  const { added, removed } = countChanges(hunks);
  if (hunks.some((hunk) => hunk.lines.some(hasNul))) return { path, kind, summarized: true, reason: "binary content", added, removed };
  const patch = formatPatch(
    { oldFileName: kind === "create" ? "/dev/null" : path, newFileName: path, oldHeader: undefined, newHeader: undefined, hunks },
    FILE_HEADERS_ONLY,
  );
  const bytes = Buffer.byteLength(patch);
  if (bytes > MAX_PATCH_BYTES) {
    return { path, kind, summarized: true, reason: `diff is ${bytes} bytes (limit ${MAX_PATCH_BYTES})`, added, removed };
  }
  return { path, kind, summarized: false, patch, added, removed };
}

function fromContents(path: string, kind: FileChangeKind, before: string | null, after: string): FileDiff {
  // Whole-file counts stand in when no real diff can be computed ("every line replaced", an upper bound).
  const wholeFile = { added: lineCount(after), removed: lineCount(before) };
  if ((before !== null && hasNul(before)) || hasNul(after)) return { path, kind, summarized: true, reason: "binary content", ...wholeFile };
  const computed = structuredPatch(path, path, before ?? "", after, undefined, undefined, { timeout: DIFF_TIMEOUT_MS });
  if (!computed) return { path, kind, summarized: true, reason: `diff took over ${DIFF_TIMEOUT_MS} ms`, ...wholeFile };
  return fromHunks(path, kind, computed.hunks);
}

/**
 * The unified diff of one file change. `kind` defaults to "create" when the source says there was no original
 * file, else "update". Headers use the path as given (`--- /dev/null` for creations).
 */
export function unifiedDiff(path: string, source: DiffSource, kind?: FileChangeKind): FileDiff {
  if (Array.isArray(source)) return fromHunks(path, kind ?? "update", source);
  const resolvedKind = kind ?? (source.originalFile === null ? "create" : "update");
  return fromContents(path, resolvedKind, source.originalFile, source.content);
}

/** A file change we know happened but have no diff for (e.g. a tool result without a patch). */
export function summarizedChange(path: string, kind: FileChangeKind, reason: string): FileDiff {
  return { path, kind, summarized: true, reason, added: 0, removed: 0 };
}
