import { mkdir } from "node:fs/promises";
import { Readable, Writable } from "node:stream";
import { setImmediate as nextMacrotask, setTimeout as sleep } from "node:timers/promises";
import {
  client,
  ndJsonStream,
  PROTOCOL_VERSION,
  RequestError,
  type ClientConnection,
  type ClientContext,
  type Implementation,
  type InitializeResponse,
  type NewSessionRequest,
  type PermissionOption,
  type PermissionOptionKind,
  type RequestPermissionRequest,
  type RequestPermissionResponse,
  type SessionModeState,
} from "@agentclientprotocol/sdk";
import { DomainError } from "@rozet/vocabulary";
import { z } from "zod";
import type {
  AgentDriver,
  DriverContext,
  DriverStartInfo,
  PermissionDecision,
  TurnResult,
} from "../../runtime/driver.ts";
import { AcpEventMapper, toolName } from "./events.ts";
import { describeExit, spawnAcpProcess, type AcpProcess } from "./process.ts";
import { parseAcpConfig, resolveLaunch, type AcpConfig, type LaunchSpec } from "./profiles.ts";
import { writeMissingFiles } from "./launch-files.ts";
import { readTextFileInSandbox, writeTextFileInSandbox } from "./sandbox-fs.ts";

// One ACP agent process, one ACP session. The SDK's `client()` app answers the agent's requests (permissions,
// sandboxed fs); `session/update` notifications go through a synchronous mapper so their order is kept.

// Typed, not inferred: a widened object literal makes the SDK's request() fall back to its untyped overload.
const CLIENT_INFO: Implementation = { name: "rozet-control-room", title: "Rozet Control Room", version: "0.1.0" };
const AUTH_REQUIRED = -32000;

/**
 * `session/update` params as received. The SDK's own parser would strip fields it does not know (newer ACP
 * versions, agent extensions), and every event keeps the update as sent, so this checks the envelope only.
 */
const sessionNotificationSchema = z.looseObject({
  sessionId: z.string(),
  update: z.looseObject({ sessionUpdate: z.string() }),
});
type RawSessionNotification = z.infer<typeof sessionNotificationSchema>;

interface Turn {
  /** Aborted when the turn ends or is cancelled: pending permission requests then answer "cancelled". */
  abort: AbortController;
  cancelled: boolean;
  /** Resolves the turn early (cancel timeout, agent gone). */
  force: (result: TurnResult) => void;
  forced: Promise<TurnResult>;
  cancelTimer?: NodeJS.Timeout | undefined;
}

/** ILLEGAL_STATE for calls out of order, AGENT_FAILED when the agent could not be started. */
export class AcpDriverError extends DomainError {
  constructor(code: "ILLEGAL_STATE" | "AGENT_FAILED", message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = "AcpDriverError";
  }
}

function errorText(error: unknown): string {
  if (error instanceof RequestError) {
    const data = error.data === undefined ? "" : ` ${JSON.stringify(error.data)}`;
    return `${error.message} (code ${error.code})${data}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function pickOption(options: PermissionOption[], kinds: PermissionOptionKind[]): PermissionOption | undefined {
  for (const kind of kinds) {
    const option = options.find((candidate) => candidate.kind === kind);
    if (option) return option;
  }
  return undefined;
}

const CANCELLED: RequestPermissionResponse = { outcome: { outcome: "cancelled" } };

class AcpDriver implements AgentDriver {
  private readonly mapper: AcpEventMapper;
  private spec: LaunchSpec | undefined;
  private proc: AcpProcess | undefined;
  private connection: ClientConnection | undefined;
  private sessionId: string | undefined;
  private modes: SessionModeState | null | undefined;
  private turn: Turn | undefined;
  private started = false;
  /** The ACP call start() is waiting for, for error messages. */
  private startStep = "spawn";
  private stopping = false;
  private endReason: string | undefined;
  private readonly ended: Promise<string>;
  private markEnded!: (reason: string) => void;

  constructor(
    private readonly context: DriverContext,
    private readonly config: AcpConfig,
  ) {
    this.mapper = new AcpEventMapper((event) => context.host.emit(event), context.cwd);
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
  }

  private get agent(): ClientContext {
    if (!this.connection || !this.sessionId) throw new AcpDriverError("ILLEGAL_STATE", "the ACP agent is not started");
    return this.connection.agent;
  }

  async start(): Promise<DriverStartInfo> {
    if (this.spec) throw new AcpDriverError("ILLEGAL_STATE", "start() was already called");
    const spec = resolveLaunch({ config: this.config, env: this.context.env, dataDir: this.context.dataDir, model: this.context.model });
    this.spec = spec;
    await mkdir(this.context.dataDir, { recursive: true });
    await writeMissingFiles(spec.files ?? {});

    // A command or cwd that cannot be used rejects here with the process helpers' DomainError.
    const proc = await spawnAcpProcess({ command: spec.command, args: spec.args, cwd: this.context.cwd, env: spec.env });
    this.proc = proc;
    const stream = ndJsonStream(
      Writable.toWeb(proc.stdin) as WritableStream<Uint8Array>,
      Readable.toWeb(proc.stdout) as ReadableStream<Uint8Array>,
    );
    const connection = this.clientApp().connect(stream);
    this.connection = connection;
    this.background("watch the ACP process", () => proc.exited.then(() => this.onEnd()));
    this.background("watch the ACP connection", () => connection.closed.then(() => this.onEnd()));

    this.startStep = "initialize";
    try {
      const init = await connection.agent.request("initialize", {
        protocolVersion: PROTOCOL_VERSION,
        clientCapabilities: { fs: { readTextFile: spec.clientFileSystem, writeTextFile: spec.clientFileSystem }, terminal: false },
        clientInfo: CLIENT_INFO,
      });
      await this.openSession(connection.agent, init);
      this.started = true;
      return { externalSessionId: this.sessionId, processId: proc.pid };
    } catch (error) {
      const reason = await this.failureReason(error);
      this.stopping = true;
      await proc.stop({ graceMs: 0, killAfterMs: 1000 });
      const stderr = error instanceof RequestError ? proc.stderrTail().slice(-5) : [];
      throw new AcpDriverError(
        "AGENT_FAILED",
        `${spec.profile} ACP agent failed to start (${this.startStep}): ${reason}${stderr.length > 0 ? `; last stderr:\n${stderr.join("\n")}` : ""}`,
        { profile: spec.profile, step: this.startStep },
      );
    }
  }

  async prompt(text: string): Promise<TurnResult> {
    const agent = this.agent;
    const sessionId = this.sessionId as string;
    if (this.turn) throw new AcpDriverError("ILLEGAL_STATE", "a turn is already running");
    if (this.endReason) return { status: "failed", error: `the agent is gone: ${this.endReason}` };

    let force!: (result: TurnResult) => void;
    const forced = new Promise<TurnResult>((resolve) => (force = resolve));
    const turn: Turn = { abort: new AbortController(), cancelled: false, force, forced };
    this.turn = turn;
    this.mapper.beginTurn();

    const request = agent.request("session/prompt", { sessionId, prompt: [{ type: "text", text }] }).then(
      async (response): Promise<TurnResult> => {
        // Notification handlers of updates sent just before the response may still be on the microtask queue.
        await nextMacrotask();
        this.mapper.promptUsage(response);
        const result = this.resultFor(response.stopReason);
        // Codex answers a rejected approval by ending the turn as "cancelled" although nobody cancelled it.
        if (result.status === "cancelled" && !turn.cancelled) result.error = "the agent ended the turn itself (stopReason cancelled)";
        return result;
      },
      async (error: unknown): Promise<TurnResult> => {
        await nextMacrotask();
        if (turn.cancelled && !(error instanceof RequestError)) return { status: "cancelled" };
        const message = await this.failureReason(error);
        if (error instanceof RequestError && !turn.cancelled) {
          this.context.host.emit({
            type: "agent.error",
            status: error.code === AUTH_REQUIRED ? "auth_required" : "error",
            summary: message,
            payload: { code: error.code, message: error.message, data: error.data, raw: { code: error.code, message: error.message, data: error.data } },
          });
        }
        return { status: "failed", error: message };
      },
    );

    let result: TurnResult;
    try {
      result = await Promise.race([request, forced]);
      // Some agents answer a cancelled prompt with an error rather than stopReason "cancelled".
      if (turn.cancelled && result.status === "failed" && !this.endReason) result = { status: "cancelled", result: result.result };
    } finally {
      clearTimeout(turn.cancelTimer);
      turn.abort.abort();
    }
    this.mapper.endTurn(result.status);
    this.turn = undefined;
    return result;
  }

  async cancel(): Promise<void> {
    const turn = this.turn;
    if (!turn || turn.cancelled) return;
    turn.cancelled = true;
    this.mapper.cancelling = true;
    const timeoutMs = this.config.cancelTimeoutMs ?? 5000;
    turn.cancelTimer = setTimeout(() => {
      this.context.host.emit({
        type: "agent.notice",
        status: "warning",
        summary: `the agent did not confirm the cancel within ${timeoutMs} ms`,
        payload: { kind: "cancel_timeout", raw: null },
      });
      turn.force({ status: "cancelled" });
    }, timeoutMs);
    try {
      await this.agent.notify("session/cancel", { sessionId: this.sessionId as string });
    } catch {
      // The connection is gone; the turn ends through onEnd().
    }
    // ACP: after session/cancel the client answers every pending permission request with "cancelled".
    turn.abort.abort();
  }

  async setMode(mode: string): Promise<void> {
    await this.agent.request("session/set_mode", { sessionId: this.sessionId as string, modeId: mode });
  }

  async stop(): Promise<void> {
    if (!this.proc) return;
    this.stopping = true;
    await this.cancel().catch(() => {});
    this.turn?.force({ status: "cancelled" });
    await this.proc.stop({ graceMs: this.config.stopGraceMs ?? 3000 });
    this.connection?.close();
  }

  // ── session setup ────────────────────────────────────────────────────────────────────────────────────────

  private async openSession(agent: ClientContext, init: InitializeResponse): Promise<void> {
    const cwd = this.context.cwd;
    const capabilities = init.agentCapabilities ?? {};
    const resumeId = this.context.resumeSessionId;

    if (resumeId && capabilities.sessionCapabilities?.resume) {
      this.startStep = "session/resume";
      const response = await agent.request("session/resume", { sessionId: resumeId, cwd, mcpServers: [], ...this.sessionMeta() });
      this.sessionId = resumeId;
      this.modes = response.modes;
    } else if (resumeId && capabilities.loadSession) {
      // session/load replays the history as updates before it answers: those are not new events.
      this.startStep = "session/load";
      this.mapper.replaying = true;
      this.sessionId = resumeId;
      try {
        const response = await agent.request("session/load", { sessionId: resumeId, cwd, mcpServers: [], ...this.sessionMeta() });
        this.modes = response.modes;
      } finally {
        await nextMacrotask();
        this.mapper.replaying = false;
      }
    } else {
      if (resumeId) {
        this.context.host.emit({
          type: "agent.notice",
          status: "warning",
          summary: "the agent cannot resume sessions; started a new one",
          payload: { kind: "resume_unsupported", resumeSessionId: resumeId, raw: init.agentCapabilities ?? null },
        });
      }
      this.startStep = "session/new";
      const response = await this.newSession(agent, init);
      this.sessionId = response.sessionId;
      this.modes = response.modes;
    }

    const mode = this.spec?.initialMode;
    if (!mode) return;
    // Modes the session reported; unknown (not reported) means: try, and let the agent say no.
    const offered = this.modes ? this.modes.availableModes.some((candidate) => candidate.id === mode) : undefined;
    if (offered === false && !this.config.mode) {
      if (this.spec?.profile === "claude") {
        // Without "default" the adapter approves tools by itself (mode "auto"): refuse to run unsupervised.
        throw new AcpDriverError("AGENT_FAILED", `the Claude adapter does not offer mode "${mode}"`, { mode });
      }
      return;
    }
    this.startStep = "session/set_mode";
    await agent.request("session/set_mode", { sessionId: this.sessionId, modeId: mode });
  }

  /** The profile's session `_meta` (e.g. which Claude settings files the adapter loads), when it has one. */
  private sessionMeta(): { _meta?: Record<string, unknown> } {
    return this.spec?.sessionMeta ? { _meta: this.spec.sessionMeta } : {};
  }

  private async newSession(agent: ClientContext, init: InitializeResponse) {
    const params: NewSessionRequest = { cwd: this.context.cwd, mcpServers: [], ...this.sessionMeta() };
    try {
      return await agent.request("session/new", params);
    } catch (error) {
      if (!(error instanceof RequestError) || error.code !== AUTH_REQUIRED) throw error;
      const offered = new Set((init.authMethods ?? []).map((method) => method.id));
      const methodId = this.spec?.authMethods.find((id) => offered.has(id));
      if (!methodId) throw error;
      this.startStep = `authenticate ${methodId}`;
      await agent.request("authenticate", { methodId });
      this.startStep = "session/new";
      return agent.request("session/new", params);
    }
  }

  // ── the agent's requests and notifications ───────────────────────────────────────────────────────────────

  private clientApp() {
    const cwd = this.context.cwd;
    return client({ name: CLIENT_INFO.name })
      .onRequest("session/request_permission", ({ params, signal }) => this.onPermission(params, signal))
      .onRequest("fs/read_text_file", ({ params }) => readTextFileInSandbox(cwd, params))
      .onRequest("fs/write_text_file", async ({ params }) => {
        // Also when the agent writes without asking first (e.g. a mode that accepts edits).
        if (this.config.readOnly) throw RequestError.invalidRequest({ path: params.path }, `refused to write ${params.path}: this agent is read-only (a planner)`);
        await writeTextFileInSandbox(cwd, params);
        return {};
      })
      .onNotification("session/update", sessionNotificationSchema, ({ params }) => this.onUpdate(params))
      .onNotification("*", () => {
        // Extension notifications (e.g. "_auth/status_update") carry nothing the timeline needs.
      });
  }

  private onUpdate(notification: RawSessionNotification): void {
    if (this.sessionId && notification.sessionId !== this.sessionId) return;
    this.context.host.activity();
    this.mapper.handle(notification.update);
  }

  private async onPermission(params: RequestPermissionRequest, requestSignal: AbortSignal): Promise<RequestPermissionResponse> {
    const tool = this.mapper.toolFromPermission(params.toolCall);
    const turn = this.turn;
    if (!turn || turn.cancelled) return CANCELLED;
    this.context.host.activity();

    const signal = AbortSignal.any([turn.abort.signal, requestSignal]);
    const aborted = new Promise<"aborted">((resolve) => {
      if (signal.aborted) resolve("aborted");
      signal.addEventListener("abort", () => resolve("aborted"), { once: true });
    });
    let decision: PermissionDecision | "aborted";
    try {
      decision = await Promise.race([
        this.context.host.requestPermission(
          {
            toolName: toolName(tool),
            input: tool.input,
            toolUseId: tool.id,
            reason: tool.title,
            extra: { options: params.options, toolCall: params.toolCall, kind: tool.kind },
          },
          signal,
        ),
        aborted,
      ]);
    } catch (error) {
      if (signal.aborted) return CANCELLED;
      decision = { behavior: "deny", message: `permission check failed: ${errorText(error)}` };
    }
    if (decision === "aborted" || signal.aborted) return CANCELLED;

    // By kind, never by id: every agent names its options differently. "Allow for the session" is the runtime's
    // rule, so the agent only ever hears "once".
    const option =
      decision.behavior === "allow"
        ? pickOption(params.options, ["allow_once", "allow_always"])
        : pickOption(params.options, ["reject_once", "reject_always"]);
    if (decision.behavior === "deny") {
      this.mapper.markDenied(tool);
      if (decision.interrupt) queueMicrotask(() => this.background("interrupt after a denial", () => this.cancel()));
    }
    if (!option) return CANCELLED;
    return { outcome: { outcome: "selected", optionId: option.optionId } };
  }

  // ── endings ──────────────────────────────────────────────────────────────────────────────────────────────

  private resultFor(stopReason: string): TurnResult {
    const result = this.mapper.finalText();
    switch (stopReason) {
      case "end_turn":
        return { status: "completed", result };
      case "cancelled":
        return { status: "cancelled", result };
      case "refusal":
        return { status: "failed", result, error: "the model refused to continue (stopReason refusal)" };
      case "max_tokens":
        return { status: "failed", result, error: "the model hit its output token limit (stopReason max_tokens)" };
      case "max_turn_requests":
        return { status: "failed", result, error: "the turn hit the agent's request limit (stopReason max_turn_requests)" };
      default:
        return { status: "failed", result, error: `unknown stopReason ${stopReason}` };
    }
  }

  /** A JSON-RPC error speaks for itself; a closed connection is explained by how the process ended. */
  private async failureReason(error: unknown): Promise<string> {
    if (error instanceof RequestError) return errorText(error);
    const reason = await Promise.race([this.ended, sleep(2000).then(() => undefined)]);
    return reason ?? errorText(error);
  }

  /** The process exited or its stream closed. Unasked, that is a crash: tell the host once, fail the turn. */
  private onEnd(): void {
    if (this.endReason !== undefined) return;
    const proc = this.proc;
    if (!proc) return;
    this.endReason = "";
    this.background("report the ACP agent's end", async () => {
      // The stream usually closes a moment before the exit status is known.
      await Promise.race([proc.exited, sleep(1000)]);
      const reason = `${this.spec?.profile ?? "ACP"} agent ended: ${describeExit(proc.exitInfo(), proc.stderrTail())}`;
      this.endReason = reason;
      this.markEnded(reason);
      this.connection?.close();
      // Before start() resolved, start() itself reports the failure.
      if (this.stopping || !this.started) return;
      this.context.host.exited(reason);
      this.turn?.force({ status: "failed", error: reason });
      // The leader is gone but its children may not be (claude-agent-acp leaves the native claude running).
      await proc.killStragglers();
    });
  }

  /** Work nobody awaits goes to the host (logged there); a bare host still gets no unhandled rejection. */
  private background(label: string, work: () => Promise<unknown>): void {
    if (this.context.host.background) this.context.host.background(label, work);
    else work().catch(() => undefined);
  }
}

/** Drives one agent over the Agent Client Protocol (claude, codex, gemini, opencode or a custom argv). */
export function createAcpDriver(context: DriverContext): AgentDriver {
  return new AcpDriver(context, parseAcpConfig(context.config));
}
