import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { DomainError, newId, notFound } from "@rozet/vocabulary";
import type { Stores } from "./deps.ts";
import { isInsideRoot } from "./workspaces/sandbox.ts";

/**
 * A named artifact of a task (a report, a build output, a plan file): a file in the session's workspace (its agents'
 * worktrees included) recorded under a name, and handed to the tasks that depend on that one.
 */
export async function recordTaskArtifact(
  deps: Pick<Stores, "prisma">,
  input: { id: string; name: string; path: string; mimeType?: string | undefined },
) {
  const task = await deps.prisma.task.findUnique({ where: { id: input.id }, include: { session: { select: { workspaceRoot: true } } } });
  if (!task) throw notFound("task", input.id);
  const workspace = task.session.workspaceRoot;
  if (!workspace) throw new DomainError("ILLEGAL_STATE", `session ${task.sessionId} has no workspace`, { sessionId: task.sessionId });
  const root = realpathSync(workspace);
  let real: string;
  try {
    real = realpathSync(path.resolve(root, input.path));
  } catch {
    throw new DomainError("INVALID_INPUT", `${input.path} does not exist in the session workspace`, { field: "path" });
  }
  if (!isInsideRoot(root, real)) throw new DomainError("FORBIDDEN", `${input.path} is outside the session workspace ${root}`, { field: "path" });
  const stat = statSync(real);
  if (!stat.isFile()) throw new DomainError("INVALID_INPUT", `${input.path} is not a file`, { field: "path" });
  const row = await deps.prisma.artifact.create({
    data: { id: newId(), sessionId: task.sessionId, agentId: task.agentId, taskId: task.id, name: input.name, path: real, mimeType: input.mimeType ?? null, size: stat.size },
  });
  return { id: row.id, taskId: task.id, name: row.name, path: row.path, mimeType: row.mimeType, size: row.size, createdAt: row.createdAt.toISOString() };
}
