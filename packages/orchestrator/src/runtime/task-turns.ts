import type { EventPayload } from "@rozet/vocabulary";
import type { Models } from "@rozet/db";
import type { Stores } from "../deps.ts";
import { readMergeConflict, taskDto, type StoredMergeConflict } from "../dto.ts";
import { recordEvent } from "../timeline.ts";
import { changedFiles, commitAll, commitExists, fileDiff, gitHead, isAncestor, mergeCommit } from "../workspaces/task-git.ts";
import { composeHandoff, type UpstreamWork } from "./task-handoff.ts";

/**
 * What happens around a task's turn, in the agent's folder, serialized with its other turns: before it, the work
 * of the tasks it depends on is merged into the folder and handed over in its prompt; after it, its work is
 * committed on its agent's branch (own worktree only), so the tasks after it can merge it.
 */

export interface TaskTurn {
  taskId: string;
  agentId: string;
  /** The task's prompt as queued. */
  text: string;
  /** The agent's folder; isolated = its own worktree (never the shared workspace, which we do not commit in). */
  workspace: { cwd: string; isolated: boolean } | null;
}

/** The text to prompt with, or why the turn must not run (the task is then blocked, with the reason). */
export type PreparedTurn = { text: string } | { refused: string };

export type TaskTurnDeps = Pick<Stores, "prisma" | "control" | "writer">;

type MergedUpstream = EventPayload<"task.handoff">["merged"][number];

export async function prepareTaskTurn(deps: TaskTurnDeps, turn: TaskTurn): Promise<PreparedTurn> {
  const task = await deps.prisma.task.findUniqueOrThrow({ where: { id: turn.taskId } });
  const upstream = await dependenciesOf(deps, task);
  const cwd = turn.workspace?.cwd;
  const repo = cwd ? await gitHead(cwd) : null;
  const conflict = readMergeConflict(task);
  const merged: MergedUpstream[] = [];
  const preface: string[] = [];

  if (cwd && repo && conflict?.resolution === "agent") {
    preface.push(await resolutionInstructions(cwd, conflict, upstream));
  } else if (cwd && repo) {
    for (const dep of upstream) {
      if (!dep.headCommit || !(await commitExists(cwd, dep.headCommit))) continue;
      const outcome = await mergeCommit(cwd, dep.headCommit, `Merge task "${dep.title}" (${dep.branch ?? dep.headCommit.slice(0, 12)}) for "${task.title}"`);
      if (outcome.kind === "merged" || outcome.kind === "up-to-date") {
        merged.push({ taskId: dep.id, title: dep.title, commit: dep.headCommit, branch: dep.branch, outcome: outcome.kind });
        continue;
      }
      const stopped: StoredMergeConflict = {
        dependencyTaskId: dep.id,
        dependencyTitle: dep.title,
        commit: dep.headCommit,
        branch: dep.branch,
        path: cwd,
        files: outcome.kind === "conflict" ? outcome.files : [],
        hunks: outcome.kind === "conflict" ? outcome.hunks : [],
        reason: outcome.kind === "refused" ? outcome.reason : null,
        merged,
      };
      return { refused: await blockOnConflict(deps, task, stopped) };
    }
  }

  const head = cwd ? await gitHead(cwd) : null;
  // A shell agent's prompt is a command line: what is handed over is recorded, not prepended.
  const agent = await deps.prisma.agent.findUnique({ where: { id: turn.agentId }, select: { driver: true } });
  const delivered = agent?.driver !== "shell";
  const context: string[] = [...preface];
  if (upstream.length > 0) {
    const handoff = await composeHandoff(await Promise.all(upstream.map((dep) => upstreamWork(deps, dep, cwd ?? null))));
    context.push(handoff.text);
    const textBytes = Buffer.byteLength(handoff.text);
    const mergedCount = merged.filter((m) => m.outcome === "merged").length;
    await recordEvent(deps, {
      sessionId: task.sessionId,
      agentId: turn.agentId,
      taskId: task.id,
      type: "task.handoff",
      summary: `${task.title}: handed ${upstream.length} ${upstream.length === 1 ? "dependency" : "dependencies"} (${(textBytes / 1024).toFixed(1)} KB${handoff.record.truncated ? ", cut by the size guard" : ""}${mergedCount > 0 ? `, ${mergedCount} merged` : ""})${delivered ? "" : " — recorded only (shell agent)"}`,
      payload: { ...handoff.record, merged, textBytes, delivered },
    });
  }
  const text = delivered && context.length > 0 ? [...context, "# Your task", "", turn.text].join("\n") : turn.text;
  await updateTask(deps, task.id, {
    status: "running",
    error: null,
    baseCommit: head?.commit ?? null,
    branch: turn.workspace?.isolated ? (head?.branch ?? null) : null,
    ...(conflict?.resolution === "agent" ? { mergeConflict: null } : {}),
  });
  return { text };
}

/** After a completed turn in the agent's own worktree: its work becomes a commit on the agent's branch. */
export async function finishTaskTurn(deps: TaskTurnDeps, turn: TaskTurn, status: "completed" | "failed" | "cancelled"): Promise<void> {
  if (status !== "completed" || !turn.workspace?.isolated) return;
  const { cwd } = turn.workspace;
  if (!(await gitHead(cwd))) return;
  const task = await deps.prisma.task.findUniqueOrThrow({ where: { id: turn.taskId }, select: { title: true } });
  const headCommit = await commitAll(cwd, `${task.title} (rozet task ${turn.taskId})`);
  await deps.prisma.task.update({ where: { id: turn.taskId }, data: { headCommit } });
}

async function dependenciesOf(deps: TaskTurnDeps, task: Models.TaskModel) {
  const ids = JSON.parse(task.dependsOn) as string[];
  const rows = await deps.prisma.task.findMany({ where: { id: { in: ids } } });
  // In the order the task names them: merges happen in that order.
  return ids.map((id) => rows.find((row) => row.id === id)).filter((row): row is Models.TaskModel => row !== undefined);
}

async function upstreamWork(deps: TaskTurnDeps, dep: Models.TaskModel, cwd: string | null): Promise<UpstreamWork> {
  const artifacts = await deps.prisma.artifact.findMany({ where: { taskId: dep.id }, orderBy: { createdAt: "asc" }, select: { name: true, path: true, size: true, mimeType: true } });
  const base = { taskId: dep.id, title: dep.title, status: dep.status, summary: dep.result, branch: dep.branch, commit: dep.headCommit, artifacts };
  const note = !dep.headCommit
    ? "it did not run in a worktree of its own, so its changes were not committed apart; they are in the shared workspace"
    : !dep.baseCommit || !cwd || !(await commitExists(cwd, dep.baseCommit)) || !(await commitExists(cwd, dep.headCommit))
      ? "its commits are not in this repository"
      : null;
  if (note) return { ...base, files: [], filesNote: note, readDiff: () => Promise.resolve("") };
  const [from, to] = [dep.baseCommit!, dep.headCommit!];
  return { ...base, files: await changedFiles(cwd!, from, to), filesNote: null, readDiff: (file) => fileDiff(cwd!, from, to, file) };
}

/** The task stops before its turn: blocked, the conflict kept on it and on the timeline, for the operator. */
async function blockOnConflict(deps: TaskTurnDeps, task: Models.TaskModel, conflict: StoredMergeConflict): Promise<string> {
  const reason = conflict.files.length > 0 ? `merge conflict in ${conflict.files.join(", ")}` : `could not merge "${conflict.dependencyTitle}": ${conflict.reason ?? "git refused"}`;
  // The event is committed before the row says blocked: whoever sees the status finds the conflict on the timeline.
  await recordEvent(deps, { sessionId: task.sessionId, agentId: task.agentId ?? undefined, taskId: task.id, type: "task.merge_conflict", status: "blocked", summary: `${task.title}: ${reason}`, payload: conflict });
  await updateTask(deps, task.id, { status: "blocked", error: reason, mergeConflict: JSON.stringify(conflict) });
  return reason;
}

/** What an agent handed a conflict is told first: where it stopped, and the upstream work still to merge after it. */
async function resolutionInstructions(cwd: string, conflict: StoredMergeConflict, upstream: Models.TaskModel[]): Promise<string> {
  const after: string[] = [];
  for (const dep of upstream) {
    if (dep.headCommit && dep.headCommit !== conflict.commit && !(await isAncestor(cwd, dep.headCommit))) after.push(`git merge --no-ff ${dep.headCommit}   # task "${dep.title}"`);
  }
  return [
    "# First: resolve a merge conflict",
    "",
    `Merging the work of task "${conflict.dependencyTitle}" (commit ${conflict.commit}${conflict.branch ? `, branch ${conflict.branch}` : ""}) into your working tree stopped with conflicts in: ${conflict.files.join(", ") || "(none listed)"}.`,
    conflict.reason ? `git said: ${conflict.reason}` : "Resolve the conflict markers keeping the intent of both sides, then `git add` the files and `git commit` to conclude the merge.",
    ...(after.length > 0 ? ["", "Then merge the rest of the upstream work the same way:", ...after] : []),
    "",
  ].join("\n");
}

/** Stores a change to a task and publishes it on the control feed (one way for the scheduler and the turns). */
export async function updateTask(deps: Pick<Stores, "prisma" | "control">, taskId: string, data: Parameters<Stores["prisma"]["task"]["update"]>[0]["data"]) {
  return announceTask(deps, await deps.prisma.task.update({ where: { id: taskId }, data }));
}

export type TaskRow = Awaited<ReturnType<Stores["prisma"]["task"]["findUniqueOrThrow"]>>;
export type TaskChange = Parameters<Stores["prisma"]["task"]["updateMany"]>[0]["data"];

/**
 * Changes the task only if it is still as it was read (status and version), so two replicas' passes never both act
 * on it: null when somebody changed it first.
 */
export async function claimTask(deps: Pick<Stores, "prisma" | "control">, task: TaskRow, data: TaskChange) {
  const { count } = await deps.prisma.task.updateMany({ where: { id: task.id, status: task.status, updatedAt: task.updatedAt }, data });
  return count === 0 ? null : announceTask(deps, await deps.prisma.task.findUniqueOrThrow({ where: { id: task.id } }));
}

function announceTask(deps: Pick<Stores, "control">, row: TaskRow): TaskRow {
  deps.control.publish({ entity: "task", id: row.id, sessionId: row.sessionId, action: "updated", status: row.status, data: taskDto(row) });
  return row;
}
