import type { ControlRoom } from "../control-room.ts";
import { resolveWorkspace } from "../workspaces/sandbox.ts";
import { createAgentWorktree } from "../workspaces/worktrees.ts";

/**
 * The folder an agent works in: the session workspace, or (config `worktree: true` in a git repository) its
 * own git worktree and branch, so parallel agents never write the same files. `isolated: false` means the
 * folder is shared, and the runtime serializes turns on it.
 */
export async function prepareAgentWorkspace(
  room: ControlRoom,
  input: { workspace: string; agentId: string; agentName: string; worktree: boolean },
): Promise<{ cwd: string; isolated: boolean; note?: string | undefined }> {
  const workspace = resolveWorkspace(room.workspacesRoot, input.workspace);
  if (!input.worktree) return { cwd: workspace, isolated: false };
  const created = await createAgentWorktree({ workspace, agentName: input.agentName, agentId: input.agentId });
  return { cwd: created.path, isolated: created.isolated, note: created.reason };
}
