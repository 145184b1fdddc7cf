import { existsSync, statSync } from "node:fs";

/** A mistake in how rozet was called: printed as one line, exit status 2 (like a usage error). */
export class UsageError extends Error {}

/** The home (--home or ROZET_HOME) must be a directory or not exist yet: a file there would fail deep inside with ENOTDIR. */
export function assertHomeUsable(home: string): void {
  if (existsSync(home) && !statSync(home).isDirectory()) throw new UsageError(`home ${home} (--home or ROZET_HOME) is not a directory`);
}

/**
 * One clear line for a failed command, and its exit status. Node's own errors (a port in use, a missing file, a
 * bad flag) are named in the user's terms; a stack trace is only printed with ROZET_DEV=1.
 */
export function describeCliError(error: unknown): { line: string; exitCode: number } {
  const e = error as NodeJS.ErrnoException & { port?: number; address?: string };
  if (error instanceof UsageError) return { line: error.message, exitCode: 2 };
  if (typeof e?.code === "string" && e.code.startsWith("ERR_PARSE_ARGS_")) {
    // parseArgs explains how to pass a positional that starts with '-'; the first sentence is the point.
    return { line: `${firstSentence(e.message)} (rozet help lists the options)`, exitCode: 2 };
  }
  if (e?.code === "EADDRINUSE") return { line: `port ${e.port} on ${e.address} is already in use (another rozet?); choose one with --port`, exitCode: 1 };
  if (e?.code === "EACCES" && e.port !== undefined) return { line: `no permission to listen on port ${e.port}; choose one above 1023 with --port`, exitCode: 1 };
  if (e?.code === "ENOTDIR" || e?.code === "ENOENT" || e?.code === "EACCES") return { line: `${e.code}: ${firstLine(e.message)}`, exitCode: 1 };
  return { line: firstLine(error instanceof Error ? error.message : String(error)), exitCode: 1 };
}

function firstLine(text: string): string {
  return text.trim().split("\n", 1)[0] ?? "";
}

function firstSentence(text: string): string {
  const line = firstLine(text);
  const end = line.indexOf(". ");
  return end === -1 ? line : line.slice(0, end + 1);
}
