import { realpathSync } from "node:fs";
import path from "node:path";

/**
 * A per-folder async lock (in-process; the server is the only writer of its workspaces).
 *
 * How the runtime uses it: when an agent works directly in a shared workspace (no worktree: `isolated: false`,
 * or worktrees off), wrap each turn — `driver.prompt()` together with its file-change snapshot — in
 * `withWorkspaceLock(context.cwd, () => driver.prompt(text), { onWait })`, and use `onWait` to show the agent as
 * waiting for the workspace. Two agents sharing one folder then take turns instead of editing the same files at
 * once, and each turn's `file.changed` events belong to that turn alone. Agents in their own worktrees have
 * distinct paths, so their locks never contend and they run in parallel.
 */

const tails = new Map<string, Promise<void>>();

export interface LockOptions {
  /** Called once, at once, when the lock is held by someone else and this call has to queue. */
  onWait?: () => void;
}

export async function withWorkspaceLock<T>(workspacePath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  return withKeyedLock(lockKey(workspacePath), fn, options);
}

export function isWorkspaceLocked(workspacePath: string): boolean {
  return tails.has(lockKey(workspacePath));
}

/** Queue by key: each caller waits for the previous caller's release, whether that one succeeded or threw. */
export async function withKeyedLock<T>(key: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const previous = tails.get(key);
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = (previous ?? Promise.resolve()).then(() => released);
  tails.set(key, tail);
  try {
    if (previous) {
      options.onWait?.();
      await previous;
    }
    return await fn();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key); // last in the queue: forget the key
  }
}

/** The same folder reached through a symlink or a trailing slash is the same lock. */
function lockKey(workspacePath: string): string {
  const absolute = path.resolve(workspacePath);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}
