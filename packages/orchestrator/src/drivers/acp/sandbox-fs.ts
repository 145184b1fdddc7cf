import { lstat, mkdir, readFile, realpath, stat, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { RequestError } from "@agentclientprotocol/sdk";

// fs/read_text_file and fs/write_text_file, confined to the session workspace. Paths are resolved through
// symlinks (the deepest existing ancestor for a file that does not exist yet), so a link inside the workspace
// cannot lead a read or a write outside it.

const MAX_READ_BYTES = 16 * 1024 * 1024;

export class SandboxError extends Error {
  override name = "SandboxError";
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

async function realpathOrAncestor(path: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length > 0 ? join(real, ...missing.reverse()) : real;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      // ENOENT on a path that lstat can see is a dangling symlink: writing through it could land anywhere.
      if (await lstat(current).then(() => true, () => false)) throw new SandboxError(`${current} is a dangling symlink`);
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(basename(current));
      current = parent;
    }
  }
}

/** Absolute real path of `path` (absolute, or relative to `root`) if it lies inside `root`; else a SandboxError. */
export async function resolveInSandbox(root: string, path: string): Promise<string> {
  const realRoot = await realpath(root);
  const target = resolve(realRoot, path);
  if (!inside(realRoot, target)) throw new SandboxError(`${path} is outside the session workspace`);
  const real = await realpathOrAncestor(target);
  if (!inside(realRoot, real)) throw new SandboxError(`${path} resolves outside the session workspace`);
  return real;
}

function toRequestError(error: unknown, path: string): RequestError {
  if (error instanceof RequestError) return error;
  if (error instanceof SandboxError) return RequestError.invalidParams({ path }, error.message);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return RequestError.resourceNotFound(path);
  return RequestError.internalError({ path, code }, error instanceof Error ? error.message : String(error));
}

export async function readTextFileInSandbox(
  root: string,
  params: { path: string; line?: number | null | undefined; limit?: number | null | undefined },
): Promise<{ content: string }> {
  try {
    const real = await resolveInSandbox(root, params.path);
    const info = await stat(real);
    if (!info.isFile()) throw new SandboxError(`${params.path} is not a file`);
    if (info.size > MAX_READ_BYTES) throw new SandboxError(`${params.path} is larger than ${MAX_READ_BYTES} bytes`);
    const text = await readFile(real, "utf8");
    if (params.line == null && params.limit == null) return { content: text };
    const lines = text.split("\n");
    const start = Math.max(0, (params.line ?? 1) - 1);
    const end = params.limit == null ? lines.length : start + Math.max(0, params.limit);
    return { content: lines.slice(start, end).join("\n") };
  } catch (error) {
    throw toRequestError(error, params.path);
  }
}

export async function writeTextFileInSandbox(root: string, params: { path: string; content: string }): Promise<void> {
  try {
    const real = await resolveInSandbox(root, params.path);
    await mkdir(dirname(real), { recursive: true });
    await writeFile(real, params.content, "utf8");
  } catch (error) {
    throw toRequestError(error, params.path);
  }
}
