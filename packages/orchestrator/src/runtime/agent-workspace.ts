import type { Stores } from "../deps.ts";
import { resolveWorkspace } from "../workspaces/sandbox.ts";
import { createAgentWorktree } from "../workspaces/worktrees.ts";

export interface AgentWorkspaceRequest {
  workspace: string;
  agentId: string;
  agentName: string;
  worktree: boolean;
}

export interface AgentWorkspace {
  cwd: string;
  isolated: boolean;
  note?: string | undefined;
}

/**
 * The folder an agent works in: the session workspace, or (config `worktree: true` in a git repository) its
 * own git worktree and branch, so parallel agents never write the same files. `isolated: false` means the
 * folder is shared, and the runtime serializes turns on it.
 */
export async function prepareAgentWorkspace(deps: Pick<Stores, "workspacesRoot">, input: AgentWorkspaceRequest): Promise<AgentWorkspace> {
  const workspace = resolveWorkspace(deps.workspacesRoot, input.workspace);
  if (!input.worktree) return { cwd: workspace, isolated: false };
  const created = await createAgentWorktree({ workspace, agentName: input.agentName, agentId: input.agentId });
  return { cwd: created.path, isolated: created.isolated, note: created.reason };
}
