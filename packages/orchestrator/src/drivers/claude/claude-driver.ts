import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createSdkMcpServer, query, tool, type CanUseTool, type Query, type SDKUserMessage } from "@anthropic-ai/claude-agent-sdk";
import { ClaudeMessageNormalizer } from "../../normalize/claude-messages.ts";
import type { AgentDriver, DriverContext, TurnResult } from "../../runtime/driver.ts";
import { lowerAgentPriority, stopProcessGroup, trackProcessGroup } from "../../process/index.ts";
import { AsyncQueue } from "../async-queue.ts";
import { readClaudeConfig } from "./config.ts";
import { agentProcessEnv } from "./env.ts";

const STOP_GRACE_MS = 2_000;
/** At most this many repeats of one interrupt (see `repeatInterrupt`). */
const INTERRUPT_REPEATS = 3;
/** What `readOnly` takes away: every built-in tool that writes a file or runs a command. */
const WRITING_TOOLS = ["Write", "Edit", "MultiEdit", "NotebookEdit", "Bash", "KillShell"];
const CONTROL_ROOM_SERVER = "rozet";
const STDERR_TAIL_LINES = 20;

/**
 * Claude Code through the Agent SDK: one long-lived process per agent with streaming input, so follow-up
 * commands go to the same session. Permissions go through `canUseTool` to the runtime (default mode: ask).
 * We spawn the process ourselves (in its own process group) to know its pid and to stop it without orphans.
 */
export function createClaudeDriver(context: DriverContext): AgentDriver {
  // On resume Claude reports the session's cumulative cost again; only what comes on top is new.
  const normalizer = new ClaudeMessageNormalizer(context.resumeSessionId ? { costBaselineUsd: context.priorCostUsd ?? 0 } : {});
  const stderrTail: string[] = [];
  let input = new AsyncQueue<SDKUserMessage>();
  let session: Query | null = null;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  // interruptsLeft: set when the operator interrupts the turn; each later message of the turn repeats it.
  let turn: { resolve: (result: TurnResult) => void; interruptsLeft?: number } | null = null;
  let stopping = false;
  // Why the process ended on its own (null while it runs): a prompt after that fails with it at once.
  let exitReason: string | null = null;
  // Each open() is a generation; late exits of an abandoned process (a failed resume) are ignored.
  let generation = 0;
  let started = false;
  let sessionId = context.resumeSessionId ?? randomUUID();

  const finishTurn = (result: TurnResult) => {
    const current = turn;
    turn = null;
    current?.resolve(result);
  };

  const reportExit = (reason: string, fromGeneration: number) => {
    // Before start() resolves, failures surface as its rejection instead.
    if (!started || stopping || exitReason !== null || fromGeneration !== generation) return;
    exitReason = reason;
    finishTurn({ status: "failed", error: reason });
    context.host.exited(reason);
  };

  const spawnClaude = (opts: { command: string; args: string[]; cwd?: string | undefined; env: Record<string, string | undefined> }) => {
    const proc = spawn(opts.command, opts.args, { cwd: opts.cwd ?? context.cwd, env: opts.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    child = proc;
    trackProcessGroup(proc, "claude");
    lowerAgentPriority(proc.pid);
    const spawnedIn = generation;
    proc.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderrTail.push(...chunk.split("\n").filter(Boolean));
      stderrTail.splice(0, Math.max(0, stderrTail.length - STDERR_TAIL_LINES));
    });
    exited = new Promise((resolve) =>
      proc.once("exit", (code, signal) => {
        reportExit(`claude process exited (${signal ?? `code ${code}`})${stderrTail.length ? `: ${stderrTail.slice(-3).join(" | ")}` : ""}`, spawnedIn);
        resolve();
      }),
    );
    return proc;
  };

  const canUseTool: CanUseTool = async (toolName, toolInput, options) => {
    // The control room's own tools only report back to it: nothing for the operator to answer.
    if (toolName.startsWith(`mcp__${CONTROL_ROOM_SERVER}__`)) return { behavior: "allow", updatedInput: toolInput };
    const decision = await context.host.requestPermission(
      { toolName, input: toolInput, toolUseId: options.toolUseID, reason: options.decisionReason ?? options.blockedPath, extra: { suggestions: options.suggestions ?? [] } },
      options.signal,
    );
    return decision.behavior === "allow"
      ? { behavior: "allow", updatedInput: decision.updatedInput ?? toolInput }
      : { behavior: "deny", message: decision.message, ...(decision.interrupt ? { interrupt: true } : {}) };
  };

  /**
   * Claude Code drops an interrupt that it reads before it has begun the turn (the prompt still queued behind
   * it, e.g. on a busy machine) and then runs the turn. So every message of an interrupted turn that is not its
   * result repeats the interrupt (a few times at most): it stops the turn as soon as the turn has begun. A repeat
   * that finds the turn already stopping is a no-op, and it cannot reach the next turn, whose prompt is only
   * written after this turn's result.
   */
  function repeatInterrupt(stream: Query) {
    const current = turn;
    if (!current?.interruptsLeft) return;
    current.interruptsLeft -= 1;
    const repeat = () => stream.interrupt();
    if (context.host.background) context.host.background("repeat the interrupt", repeat);
    else repeat().catch(() => undefined); // a bare test host has no log
  }

  async function readMessages(stream: Query, readIn: number) {
    try {
      for await (const message of stream) {
        context.host.activity();
        const events = normalizer.normalize(message);
        if ((message as { type?: string }).type === "result") {
          // The turn is over before its last events are reported: an interrupt they trigger (a budget crossed by
          // the final usage) must not reach the next turn.
          const ending = turn;
          turn = null;
          for (const event of events) context.host.emit(event);
          ending?.resolve(normalizer.turnOutcome(message));
          continue;
        }
        repeatInterrupt(stream);
        for (const event of events) context.host.emit(event);
        if ((message as { type?: string }).type === "assistant") context.host.turnUsage?.(normalizer.turnTokensSoFar);
      }
    } catch (error) {
      // The process exit (with its signal and stderr) says more than the SDK's stream error; give it a moment.
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      reportExit(`claude session ended: ${(error as Error).message}`, readIn);
    }
  }

  async function open(resumeId: string | undefined) {
    const config = readClaudeConfig(context.config);
    generation += 1;
    input = new AsyncQueue<SDKUserMessage>();
    session = query({
      prompt: input,
      options: {
        cwd: context.cwd,
        ...(context.model ? { model: context.model } : {}),
        permissionMode: config.permissionMode ?? "default",
        ...(resumeId ? { resume: resumeId } : { sessionId }),
        // Project and user settings stay out unless asked for: a project's own Rozet hooks would double events.
        settingSources: config.settingSources ?? [],
        env: agentProcessEnv({
          CLAUDE_CONFIG_DIR: context.dataDir,
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
          CLAUDE_CODE_MAX_RETRIES: "3",
          ROZET_AGENT_ID: context.agentId,
          ROZET_SESSION_ID: context.sessionId,
          ...context.env,
        }),
        canUseTool,
        ...(config.readOnly ? { disallowedTools: WRITING_TOOLS } : {}),
        ...controlRoomTools(context),
        stderr: () => undefined,
        spawnClaudeCodeProcess: spawnClaude,
        ...(config.executable ? { pathToClaudeCodeExecutable: config.executable } : {}),
      },
    });
    // readMessages reports a broken stream itself (reportExit); whatever escapes that is logged by the host.
    const [stream, readIn] = [session, generation];
    const reading = () => readMessages(stream, readIn);
    if (context.host.background) context.host.background("read Claude messages", reading);
    else reading().catch(() => undefined); // a bare test host has no log
    await session.initializationResult();
  }

  async function stopProcess() {
    input.end();
    if (child) await stopProcessGroup(child, { graceMs: STOP_GRACE_MS });
  }

  return {
    async start() {
      try {
        await open(context.resumeSessionId);
      } catch (error) {
        if (!context.resumeSessionId || !/No conversation found/i.test((error as Error).message)) throw error;
        // Killed before its first turn was saved: there is nothing to resume, so start fresh and say so.
        stopping = true;
        await stopProcess();
        stopping = false;
        exitReason = null;
        sessionId = randomUUID();
        context.host.emit({
          type: "agent.notice",
          summary: `session ${context.resumeSessionId} had no saved conversation; started a new one`,
          payload: { previous: context.resumeSessionId, sessionId },
        });
        await open(undefined);
      }
      started = true;
      return { externalSessionId: sessionId, processId: child?.pid };
    },

    prompt(text) {
      // The process died before this prompt (the runtime took it from its queue meanwhile): nobody would answer it.
      if (exitReason !== null) return Promise.resolve({ status: "failed", error: exitReason });
      return new Promise<TurnResult>((resolve) => {
        turn = { resolve };
        input.push({ type: "user", message: { role: "user", content: [{ type: "text", text }] }, parent_tool_use_id: null, session_id: sessionId });
      });
    },

    async cancel() {
      if (!turn) return;
      turn.interruptsLeft = INTERRUPT_REPEATS;
      normalizer.noteInterruptSent();
      await session?.interrupt();
    },

    async setMode(mode) {
      await session?.setPermissionMode(mode as "default");
    },

    async stop() {
      stopping = true;
      finishTurn({ status: "cancelled", error: "agent stopped" });
      await stopProcess();
    },
  };
}

/** The control room's own tools as an in-process MCP server (allowed without asking: see canUseTool). */
function controlRoomTools(context: DriverContext) {
  const tools = context.tools ?? [];
  if (tools.length === 0) return {};
  const server = createSdkMcpServer({
    name: CONTROL_ROOM_SERVER,
    tools: tools.map((t) =>
      tool(t.name, t.description, t.inputShape, async (input) => {
        const { text, isError } = await t.run(input);
        return { content: [{ type: "text" as const, text }], ...(isError ? { isError: true } : {}) };
      }, { alwaysLoad: true }),
    ),
  });
  return { mcpServers: { [CONTROL_ROOM_SERVER]: server } };
}
