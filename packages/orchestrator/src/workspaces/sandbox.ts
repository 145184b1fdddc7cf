import { lstatSync, mkdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { DomainError } from "@rozet/vocabulary";

/**
 * The workspaces sandbox: every folder an agent works in lies inside the workspaces root, judged on real paths
 * (symlinks resolved), so neither `../..` nor a symlink pointing elsewhere can take an agent out of it.
 */

/**
 * Resolves a requested workspace inside the workspaces root. Relative paths are taken from the root; the real
 * path (symlinks resolved, for the nearest existing ancestor if the folder does not exist yet) must stay inside.
 */
export function resolveWorkspace(root: string, requested: string): string {
  if (typeof requested !== "string" || requested.includes("\0")) {
    throw new DomainError("INVALID_INPUT", "workspace must be a path without NUL characters", { field: "workspace" });
  }
  const realRoot = realpathSync(root);
  const realTarget = realpathAllowingMissing(path.resolve(realRoot, requested), requested);
  if (!isInsideRoot(realRoot, realTarget)) {
    throw new DomainError(
      "FORBIDDEN",
      `workspace ${requested} resolves to ${realTarget}, outside the workspaces root ${realRoot}`,
      { field: "workspace", root: realRoot },
    );
  }
  return realTarget;
}

/** Creates (if needed) and returns the workspace folder. */
export function ensureWorkspace(root: string, requested: string): string {
  mkdirSync(root, { recursive: true });
  const resolved = resolveWorkspace(root, requested);
  try {
    mkdirSync(resolved, { recursive: true });
  } catch (error) {
    // The caller's path, not our fault: a name too long, a file in the way, a folder we may not write.
    const code = (error as NodeJS.ErrnoException).code;
    if (!code || !["ENAMETOOLONG", "ENOTDIR", "EEXIST", "EACCES", "EPERM", "EINVAL", "ELOOP"].includes(code)) throw error;
    throw new DomainError("INVALID_INPUT", `workspace ${requested} cannot be created: ${code}`, { field: "workspace", code });
  }
  // Resolve again: creating the folder cannot have escaped, but a racing symlink could have.
  return resolveWorkspace(root, resolved);
}

/** True when `candidate` is `root` or lies below it. Both must already be real (symlink-free) paths. */
export function isInsideRoot(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** realpath for a path whose tail may not exist yet: the nearest existing ancestor is resolved, the rest appended. */
function realpathAllowingMissing(target: string, requested: string): string {
  let existing = target;
  while (!entryExists(existing)) existing = path.dirname(existing);
  let realExisting: string;
  try {
    realExisting = realpathSync(existing);
  } catch {
    // lstat sees it but realpath cannot follow it: a dangling (or looping) symlink, whose target we cannot judge.
    throw new DomainError("FORBIDDEN", `workspace ${requested} goes through a broken symbolic link at ${existing}`, {
      field: "workspace",
    });
  }
  return path.join(realExisting, path.relative(existing, target));
}

/** lstat, not exists(): a dangling symlink is an entry, and must not be mistaken for a free name. */
function entryExists(candidate: string): boolean {
  try {
    lstatSync(candidate);
    return true;
  } catch {
    return false;
  }
}
