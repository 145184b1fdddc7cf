import { existsSync, mkdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { DomainError } from "@rozet/db";

/**
 * Resolves a requested workspace inside the workspaces root. Relative paths are taken from the root; the real
 * path (symlinks resolved, for the nearest existing ancestor if the folder does not exist yet) must stay inside.
 */
export function resolveWorkspace(root: string, requested: string): string {
  const realRoot = realpathSync(root);
  const target = path.resolve(realRoot, requested);
  let existing = target;
  while (!existsSync(existing)) existing = path.dirname(existing);
  const realExisting = realpathSync(existing);
  const realTarget = path.join(realExisting, path.relative(existing, target));
  if (realTarget !== realRoot && !realTarget.startsWith(realRoot + path.sep)) {
    throw new DomainError("FORBIDDEN", `workspace ${requested} resolves outside the workspaces root ${realRoot}`, {
      field: "workspace",
      root: realRoot,
    });
  }
  return realTarget;
}

/** Creates (if needed) and returns the workspace folder. */
export function ensureWorkspace(root: string, requested: string): string {
  mkdirSync(root, { recursive: true });
  const resolved = resolveWorkspace(root, requested);
  mkdirSync(resolved, { recursive: true });
  // Resolve again: creating the folder cannot have escaped, but a racing symlink could have.
  return resolveWorkspace(root, resolved);
}
