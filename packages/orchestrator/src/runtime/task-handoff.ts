import type { EventPayload } from "@rozet/vocabulary";
import { clipBytes, type ChangedFile } from "../workspaces/task-git.ts";

/**
 * Context handoff: what a task's dependencies produced, as text put in front of its prompt — each one's final
 * summary, the files it changed with their diffs, its artifacts — under a size guard that says what it cut.
 * Pure apart from the injected diff reader, so the guard is tested without a repository.
 */

export type HandoffRecord = EventPayload<"task.handoff">;
type DependencyRecord = HandoffRecord["dependencies"][number];

export const HANDOFF_LIMITS = {
  /** Diff text shown per dependency. */
  perDependencyBytes: 20_000,
  /** Diff text shown over all dependencies. */
  totalBytes: 60_000,
  /** Of each dependency's final summary. */
  summaryBytes: 4_000,
};

/** Files listed per dependency; a task that touched more says how many were left out. */
const MAX_FILES_LISTED = 200;
/** A cut diff keeps at least this much, or is left out whole (a few lines of a diff help nobody). */
const MIN_USEFUL_DIFF_BYTES = 400;

export interface UpstreamWork {
  taskId: string;
  title: string;
  status: string;
  summary: string | null;
  branch: string | null;
  commit: string | null;
  files: ChangedFile[];
  filesNote: string | null;
  /** Reads one file's diff; called only while there is room to show it. */
  readDiff: (file: string) => Promise<string>;
  artifacts: { name: string; path: string; size: number; mimeType: string | null }[];
}

export interface Handoff {
  /** The context to put in front of the task's prompt. */
  text: string;
  record: Omit<HandoffRecord, "merged" | "delivered" | "textBytes">;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const FILE_STATUS: Record<string, string> = { A: "added", M: "modified", D: "deleted", T: "type changed" };

export async function composeHandoff(upstream: readonly UpstreamWork[], limits = HANDOFF_LIMITS): Promise<Handoff> {
  let totalLeft = limits.totalBytes;
  const sections: string[] = [];
  const dependencies: DependencyRecord[] = [];
  for (const work of upstream) {
    const lines: string[] = [];
    const where = [work.branch ? `branch ${work.branch}` : null, work.commit ? `commit ${work.commit.slice(0, 12)}` : null].filter(Boolean).join(", ");
    lines.push(`## From "${work.title}" (task ${work.taskId}, ${work.status}${where ? `; ${where}` : ""})`, "");
    const summary = work.summary?.trim() ?? "";
    const summaryBytes = Buffer.byteLength(summary);
    const summaryTruncated = summaryBytes > limits.summaryBytes;
    lines.push("Its final summary:", summary === "" ? "(none)" : summaryTruncated ? `${clipBytes(summary, limits.summaryBytes)}\n[summary cut at ${kb(limits.summaryBytes)} of ${kb(summaryBytes)}]` : summary, "");

    const files: DependencyRecord["files"] = [];
    const diffs: string[] = [];
    const leftOut: string[] = [];
    let dependencyLeft = limits.perDependencyBytes;
    let diffBytes = 0;
    let shownBytes = 0;
    if (work.filesNote) lines.push(`Files it changed: not known (${work.filesNote}).`, "");
    else if (work.files.length === 0) lines.push("Files it changed: none.", "");
    else {
      lines.push(`Files it changed (${work.files.length}):`);
      for (const file of work.files.slice(0, MAX_FILES_LISTED)) lines.push(`- ${file.path} (${FILE_STATUS[file.status] ?? file.status})`);
      if (work.files.length > MAX_FILES_LISTED) lines.push(`- … and ${work.files.length - MAX_FILES_LISTED} more files, not listed`);
      lines.push("");
      for (const file of work.files) {
        const room = Math.min(dependencyLeft, totalLeft);
        if (room < MIN_USEFUL_DIFF_BYTES) {
          files.push({ path: file.path, status: file.status, diffBytes: null, shownBytes: 0 });
          leftOut.push(file.path);
          continue;
        }
        const diff = await work.readDiff(file.path);
        const bytes = Buffer.byteLength(diff);
        const shown = bytes <= room ? diff : clipBytes(diff, room);
        const shownSize = Buffer.byteLength(shown);
        diffs.push(shownSize < bytes ? `${shown}\n[diff of ${file.path} cut at ${kb(shownSize)} of ${kb(bytes)}: the handoff size guard]` : shown);
        files.push({ path: file.path, status: file.status, diffBytes: bytes, shownBytes: shownSize });
        diffBytes += bytes;
        shownBytes += shownSize;
        dependencyLeft -= shownSize;
        totalLeft -= shownSize;
      }
      if (diffs.length > 0) lines.push("Its diffs:", "````diff", diffs.join("\n").trimEnd(), "````");
      if (leftOut.length > 0) {
        lines.push(
          `[diffs left out by the handoff size guard (${kb(limits.perDependencyBytes)} per dependency, ${kb(limits.totalBytes)} in all): ${leftOut.join(", ")}; read them with git]`,
        );
      }
      lines.push("");
    }
    if (work.artifacts.length > 0) {
      lines.push("Its artifacts:", ...work.artifacts.map((a) => `- ${a.name}: ${a.path} (${a.size} bytes${a.mimeType ? `, ${a.mimeType}` : ""})`), "");
    }
    const truncated = summaryTruncated || leftOut.length > 0 || shownBytes < diffBytes;
    dependencies.push({
      taskId: work.taskId,
      title: work.title,
      status: work.status,
      branch: work.branch,
      commit: work.commit,
      summaryBytes,
      summaryTruncated,
      files,
      filesNote: work.filesNote,
      diffBytes,
      shownBytes,
      truncated,
      artifacts: work.artifacts,
    });
    sections.push(lines.join("\n"));
  }
  const text = ["# Work handed over from the tasks this one depends on", "", ...sections].join("\n");
  return { text, record: { dependencies, limits: { ...limits }, truncated: dependencies.some((d) => d.truncated) } };
}
