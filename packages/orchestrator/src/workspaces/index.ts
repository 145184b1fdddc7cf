export { resolveWorkspace, ensureWorkspace, isInsideRoot } from "./sandbox.ts";
export {
  createAgentWorktree,
  removeAgentWorktree,
  agentWorktreeName,
  WORKTREES_DIR,
  type AgentWorktree,
  type AgentWorktreeInput,
  type RemoveAgentWorktreeInput,
} from "./worktrees.ts";
export { withWorkspaceLock, isWorkspaceLocked, type LockOptions } from "./lock.ts";
export {
  takeWorkspaceSnapshot,
  changesSince,
  fileChangeEvents,
  type WorkspaceSnapshot,
  type FileChange,
  type FileChangeKind,
  type ChangesSince,
  type DiffLimits,
} from "./snapshot-diff.ts";
