import type { ControlRoom } from "../control-room.ts";
import { resolveWorkspace } from "../workspaces.ts";

/**
 * The folder an agent works in: the session workspace, or (config `worktree: true` in a git repository) its
 * own git worktree and branch, so parallel agents never write the same files.
 */
export async function prepareAgentWorkspace(
  room: ControlRoom,
  input: { workspace: string; agentId: string; agentName: string; worktree: boolean },
): Promise<string> {
  const workspace = resolveWorkspace(room.workspacesRoot, input.workspace);
  if (!input.worktree) return workspace;
  const { createAgentWorktree } = await import("../workspaces/worktrees.ts");
  const created = await createAgentWorktree({ workspace, agentName: input.agentName, agentId: input.agentId });
  return created.path;
}
