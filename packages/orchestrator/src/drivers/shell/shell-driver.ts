import { randomUUID } from "node:crypto";
import { realpathSync, statSync } from "node:fs";
import { DomainError } from "@rozet/vocabulary";
import { clip, describeToolInput } from "../../normalize/hook-events.ts";
import { describeExit } from "../../process/exit.ts";
import type { AgentDriver, DriverContext, DriverHost, TurnResult } from "../../runtime/driver.ts";
import { changesSince, fileChangeEvents, takeWorkspaceSnapshot, type WorkspaceSnapshot } from "../../workspaces/snapshot-diff.ts";
import { readShellConfig } from "./config.ts";
import { shellEnvironment } from "./environment.ts";
import { startShellCommand, type RunningShellCommand, type ShellCommandOutcome } from "./shell-command.ts";

/**
 * The shell "agent": each prompt is a command line the operator typed, run like a terminal would run it
 * (`/bin/bash -c <line>` in the agent's cwd; running arbitrary commands is the point, so there is no injection
 * guard — but it is argv, not a string handed to a shell of ours). One command at a time; its output, a
 * tool.started/tool.finished pair and the files it changed (git workspaces) go on the timeline.
 */
export function createShellDriver(context: DriverContext): AgentDriver {
  const config = readShellConfig(context.config);
  const env = shellEnvironment(context.env);
  let startedCwd: string | undefined;
  let turn: Turn | undefined;
  let stopped = false;

  return {
    async start() {
      startedCwd = realDirectory(context.cwd);
      return {};
    },

    async prompt(text) {
      if (stopped) throw new DomainError("ILLEGAL_STATE", "the shell driver is stopped");
      if (turn) throw new DomainError("ILLEGAL_STATE", "a command is already running");
      const current: Turn = { cancelled: false, command: undefined, settled: Promise.resolve() };
      turn = current;
      const settled = runTurn(text, current);
      current.settled = settled.catch(() => {});
      try {
        return await settled;
      } finally {
        turn = undefined;
      }
    },

    async cancel() {
      if (!turn) return;
      turn.cancelled = true;
      await turn.command?.interrupt();
    },

    async stop() {
      stopped = true;
      const current = turn;
      if (!current) return;
      current.cancelled = true;
      await current.command?.interrupt();
      await current.settled;
    },
  };

  async function runTurn(text: string, current: Turn): Promise<TurnResult> {
    const command = text.trim();
    if (command.length === 0) return { status: "completed", result: "" }; // Enter on an empty line
    let cwd: string;
    try {
      cwd = checkedCwd(context.cwd, startedCwd);
    } catch (error) {
      return { status: "failed", error: (error as Error).message };
    }
    const snapshot = await takeWorkspaceSnapshot(cwd).catch(() => undefined); // no diff is better than no command
    if (current.cancelled) return { status: "cancelled" };

    const toolUseId = randomUUID();
    const host = context.host;
    host.emit({
      type: "tool.started",
      toolName: "Shell",
      summary: clip(describeToolInput("Shell", { command })),
      payload: { toolUseId, input: { command }, cwd },
    });
    let outcome: ShellCommandOutcome;
    try {
      const running: RunningShellCommand = startShellCommand({
        command,
        cwd,
        env,
        timeoutMs: config.timeoutMs,
        maxOutputBytes: config.maxOutputBytes,
        onOutput: (event) => {
          host.emit(event);
          host.activity();
        },
      });
      current.command = running;
      outcome = await running.done;
    } catch (error) {
      const message = (error as Error).message;
      host.emit({
        type: "tool.finished",
        toolName: "Shell",
        status: "error",
        summary: clip(`Shell failed to start: ${message}`),
        payload: { toolUseId, error: message },
      });
      return { status: "failed", error: message };
    }

    const result = turnResult(outcome, current.cancelled, config.timeoutMs);
    host.emit(finishedEvent(command, toolUseId, outcome, result));
    if (snapshot) await reportChanges(host, snapshot, toolUseId);
    return result;
  }
}

interface Turn {
  cancelled: boolean;
  command: RunningShellCommand | undefined;
  /** Settles (never rejects) when the turn's prompt has finished, file changes included. */
  settled: Promise<unknown>;
}

function turnResult(outcome: ShellCommandOutcome, cancelled: boolean, timeoutMs: number): TurnResult {
  const output = outcome.tail.trimEnd();
  const result = output.length > 0 ? output : undefined;
  if (cancelled || outcome.interrupted) return { status: "cancelled", result };
  if (outcome.timedOut) return { status: "failed", result, error: `timed out after ${formatMs(timeoutMs)}` };
  if (outcome.exit.code === 0) return { status: "completed", result };
  return { status: "failed", result, error: describeExit(outcome.exit) };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function finishedEvent(command: string, toolUseId: string, outcome: ShellCommandOutcome, result: TurnResult) {
  const status = result.status === "completed" ? "ok" : result.status === "cancelled" ? "cancelled" : "error";
  const dropped = outcome.droppedBytes.stdout + outcome.droppedBytes.stderr > 0;
  return {
    type: "tool.finished" as const,
    toolName: "Shell",
    status,
    summary: clip(`${describeToolInput("Shell", { command })} → ${result.error ?? describeExit(outcome.exit)}`),
    payload: {
      toolUseId,
      exitCode: outcome.exit.code,
      signal: outcome.exit.signal,
      durationMs: outcome.durationMs,
      timedOut: outcome.timedOut,
      bytes: outcome.bytes,
      truncated: dropped,
      ...(dropped ? { droppedBytes: outcome.droppedBytes } : {}),
      // The last ~2 000 characters, kept even past the budget: the error that matters is usually at the end.
      output: outcome.tail,
    },
  };
}

async function reportChanges(host: DriverHost, snapshot: WorkspaceSnapshot, toolUseId: string) {
  try {
    for (const event of fileChangeEvents(snapshot, await changesSince(snapshot), { toolUseId })) host.emit(event);
  } catch (error) {
    // Say that we could not tell, rather than implying nothing changed.
    host.emit({
      type: "workspace.changes_unknown",
      status: "error",
      summary: clip(`could not compute file changes: ${(error as Error).message}`),
      payload: { toolUseId, error: (error as Error).message },
    });
  }
}

/** The cwd must still be the folder the driver started in (not swapped for a symlink elsewhere) and exist. */
function checkedCwd(cwd: string, startedCwd: string | undefined): string {
  const real = realDirectory(cwd);
  if (startedCwd !== undefined && real !== startedCwd) {
    throw new DomainError("FORBIDDEN", `working directory ${cwd} now resolves to ${real}, not ${startedCwd}`, { cwd });
  }
  return real;
}

function realDirectory(cwd: string): string {
  try {
    const real = realpathSync(cwd);
    if (statSync(real).isDirectory()) return real;
  } catch {
    // reported below
  }
  throw new DomainError("ILLEGAL_STATE", `working directory ${cwd} does not exist or is not a folder`, { cwd });
}
