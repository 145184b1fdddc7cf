import { realpathSync } from "node:fs";
import { DomainError } from "@rozet/vocabulary";
import type { Stores } from "./deps.ts";
import { readMergeConflict, taskDto } from "./dto.ts";
import { updateTask } from "./runtime/task-turns.ts";
import { cancelTask, getTask, type TaskDeps } from "./tasks.ts";
import { recordEvent } from "./timeline.ts";
import { isInsideRoot } from "./workspaces/sandbox.ts";
import { abortMerge, commitAll, mergeInProgress, unmergedFiles } from "./workspaces/task-git.ts";

/**
 * The operator's answer to a task stopped on a merge conflict: `resolved` (fixed by hand in the worktree: the merge
 * is concluded and the task starts; the rest of its upstream work is merged then), `agent` (the task starts with a
 * prompt that says to resolve the conflict first), or `cancel` (the merge is aborted and the task cancelled).
 */
export type ConflictResolution = "resolved" | "agent" | "cancel";

export async function resolveTaskConflict(
  deps: TaskDeps & Pick<Stores, "workspacesRoot">,
  input: { id: string; resolution: ConflictResolution },
) {
  const task = await deps.prisma.task.findUnique({ where: { id: input.id } });
  const conflict = task ? readMergeConflict(task) : null;
  if (!task || task.status !== "blocked" || !conflict || conflict.resolution) {
    const current = await getTask(deps, input);
    throw new DomainError("ILLEGAL_STATE", `task ${input.id} is not stopped on a merge conflict (it is ${current.status})`, { status: current.status });
  }
  const cwd = worktreeOf(deps.workspacesRoot, conflict.path);
  const event = { sessionId: task.sessionId, agentId: task.agentId ?? undefined, taskId: task.id, type: "task.conflict_resolved" as const };

  if (input.resolution === "cancel") {
    await abortMerge(cwd);
    await updateTask(deps, task.id, { mergeConflict: null });
    await recordEvent(deps, { ...event, status: "cancelled", summary: `${task.title}: merge aborted, task cancelled`, payload: { resolution: "cancel", path: cwd, files: conflict.files } });
    return cancelTask(deps, { id: task.id, reason: `cancelled by operator at a merge conflict (${conflict.files.join(", ") || conflict.reason})` });
  }
  if (input.resolution === "resolved") {
    const left = await unmergedFiles(cwd);
    if (left.length > 0) throw new DomainError("ILLEGAL_STATE", `still unmerged in ${cwd}: ${left.join(", ")}`, { files: left });
    if (await mergeInProgress(cwd)) await commitAll(cwd, `Merge task "${conflict.dependencyTitle}" (resolved by the operator)`);
  }
  const row = await updateTask(deps, task.id, {
    status: "pending",
    error: null,
    mergeConflict: input.resolution === "agent" ? JSON.stringify({ ...conflict, resolution: "agent" }) : null,
  });
  await recordEvent(deps, {
    ...event,
    status: input.resolution,
    summary: `${task.title}: ${input.resolution === "agent" ? "conflict handed to its agent" : "conflict resolved by the operator"}`,
    payload: { resolution: input.resolution, path: cwd, files: conflict.files },
  });
  await deps.tasks.schedule(task.sessionId);
  return taskDto((await deps.prisma.task.findUnique({ where: { id: row.id } })) ?? row);
}

/** The stored worktree path, checked again: git runs there only while it is inside the workspaces root. */
function worktreeOf(workspacesRoot: string, stored: string): string {
  let real: string;
  try {
    real = realpathSync(stored);
  } catch {
    throw new DomainError("ILLEGAL_STATE", `the worktree ${stored} no longer exists`, { path: stored });
  }
  if (!isInsideRoot(realpathSync(workspacesRoot), real)) throw new DomainError("FORBIDDEN", `${stored} is outside the workspaces root`, { path: stored });
  return real;
}
