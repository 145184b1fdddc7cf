// Moved to ./workspaces/sandbox.ts; kept so existing `../workspaces.ts` imports keep working.
export { resolveWorkspace, ensureWorkspace } from "./workspaces/sandbox.ts";
