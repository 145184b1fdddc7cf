import { background, DomainError, errorMessage, interruptResults, type InterruptResult } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";
import { agentDto } from "../dto.ts";
import { ownEvent, recordEvent } from "../timeline.ts";
import { setCommandStatus } from "./commands.ts";
import type { AgentDriver, DriverEvent, DriverHost, PermissionDecision, PermissionRequest, TurnResult } from "./driver.ts";
import type { PermissionBroker } from "./permission-broker.ts";
import { onlyLooks } from "./read-only.ts";
import { withWorkspaceLock } from "../workspaces/lock.ts";
import { assertTransition, type AgentStatus } from "./lifecycle.ts";
import type { PreparedTurn, TaskTurn } from "./task-turns.ts";

/** How long an operator's interrupt waits for the turn to end before answering "not confirmed". */
const INTERRUPT_CONFIRM_MS = 10_000;

export interface QueuedPrompt {
  commandId: string;
  text: string;
  taskId?: string | undefined;
  /** The task's own limit: at it the turn is interrupted and the task fails with the reason. */
  taskBudget?: { usd: number | null; tokens: number | null } | undefined;
}

/** What a runtime uses: the stores its transitions and events go to, and the permission queue. */
export interface AgentRuntimeDeps extends Pick<Stores, "prisma" | "control" | "writer" | "log"> {
  requestPermission: PermissionBroker["request"];
}

export interface AgentRuntimeOptions {
  agentId: string;
  sessionId: string;
  status: AgentStatus;
  budget: { usd: number | null; tokens: number | null };
  spent: { usd: number; tokens: number };
  /** The agent's folder (null: refused before it had one). Not isolated = shared with others: turns take the workspace lock. */
  workspace: TaskTurn["workspace"];
  /** Seconds without any update from a busy agent before the timeline says it is stalled. */
  watchdogMs: number;
  /**
   * Called when a task's prompt is about to run, inside the turn (and the workspace lock), before its first event:
   * the task turns `running` and gets the text to prompt with (its dependencies' handoff), or is stopped.
   */
  onTaskTurnStarting: (turn: TaskTurn) => Promise<PreparedTurn>;
  /** Called when a task's turn has ended, before the next turn may start in the same folder (its work is committed). */
  onTaskTurnEnded: (turn: TaskTurn, status: "completed" | "failed" | "cancelled") => Promise<void>;
  /** Called whenever a prompt command finishes, for the task scheduler. */
  onCommandFinished: (commandId: string, taskId: string | undefined, status: "completed" | "failed" | "cancelled", detail: string | undefined) => void;
  /** Called when the agent is idle and has nothing queued (a task may be waiting for it). */
  onIdle: () => void;
  /** A task's prompt was queued here but never started, and the agent is lost: the task goes to another agent. */
  onTaskRequeued: (taskId: string, reason: string) => void;
  /** The runner label the agent runs under (null: on the server itself). */
  runnerLabel: string | null;
  /**
   * Set for a read-only agent (a planner): why its writes and commands are refused. Its permission requests for
   * anything but looking are denied with this reason at once, recorded like any answer.
   */
  readOnly?: string | null | undefined;
}

/**
 * One live agent: its driver, its lifecycle state, and its queue of prompt commands (run one at a time, in
 * order). Every transition is persisted, published on control.onUpdate and put on the timeline.
 */
export class AgentRuntime {
  status: AgentStatus;
  private driver: AgentDriver | null = null;
  private readonly queue: QueuedPrompt[] = [];
  private current: RunningTurn | null = null;
  private transitions: Promise<void> = Promise.resolve();
  private lastActivity = Date.now();
  private stalled = false;
  private pauseAfterTurn: string | null = null;
  /** lastError holds the reason a turn failed (cleared by the next completed turn). */
  private turnErrorShown = false;
  private readonly turnCost = { usd: 0, tokens: 0 };
  /** Tokens of the running turn already counted from streamed usage (the final usage event counts the rest). */
  private streamedTokens = 0;
  /** Writes of this agent's events not yet acknowledged by the writer; a turn's command completes after them. */
  private readonly unstored = new Set<Promise<void>>();

  constructor(
    private readonly deps: AgentRuntimeDeps,
    private readonly options: AgentRuntimeOptions,
  ) {
    this.status = options.status;
  }

  get agentId() {
    return this.options.agentId;
  }

  get sessionId() {
    return this.options.sessionId;
  }

  get runnerLabel(): string | null {
    return this.options.runnerLabel;
  }

  get queued(): readonly QueuedPrompt[] {
    return this.queue;
  }

  /** A turn has been taken from the queue (its status turns busy a moment later, after an await). */
  get hasTurn(): boolean {
    return this.current !== null;
  }

  /** The host side of the driver interface, bound to this agent. */
  readonly host: DriverHost = {
    emit: (event) => this.emit(event),
    requestPermission: (request, signal) => this.requestPermission(request, signal),
    exited: (reason) => this.background("agent exited", () => this.fail(reason)),
    activity: () => this.touch(),
    background: (label, work) => this.background(label, work),
    turnUsage: (tokensSoFar, turn) => {
      if (turn?.commandId === undefined || turn.commandId === this.current?.commandId) this.countStreamedTokens(tokensSoFar);
    },
    usageStored: (usage) => this.countUsage({ costUsd: usage.costUsd ?? undefined, inputTokens: usage.inputTokens ?? undefined, outputTokens: usage.outputTokens ?? undefined }),
  };

  async start(driver: AgentDriver): Promise<void> {
    this.driver = driver;
    if (this.status !== "starting") await this.transition("starting");
    try {
      const info = await driver.start();
      await this.deps.prisma.agent.update({
        where: { id: this.agentId },
        data: { processId: info.processId ?? null, ...(info.externalSessionId ? { externalSessionId: info.externalSessionId } : {}), lastError: null },
      });
      // Stopped while it was starting (session archived, server shutting down): stop() owns what follows.
      if (this.stopRequested()) return;
      await this.transition("idle");
      this.pump();
    } catch (error) {
      if (this.stopRequested()) return;
      const reason = `failed to start: ${(error as Error).message}`;
      await this.fail(reason);
      throw new DomainError("AGENT_FAILED", reason, { agentId: this.agentId });
    }
  }

  private stopRequested(): boolean {
    return this.status === "stopping" || this.status === "stopped";
  }

  /** The start was refused before a driver existed (no workspace, outside the sandbox): failed, with the reason. */
  async refuseStart(reason: string): Promise<void> {
    if (this.status !== "starting") await this.transition("starting");
    await this.fail(reason);
  }

  enqueue(prompt: QueuedPrompt): void {
    this.queue.push(prompt);
    this.pump();
  }

  /** Interrupts the running turn, if any. Returns whether there was one. */
  async interrupt(): Promise<boolean> {
    if (!this.current || !this.driver) return false;
    this.current.cancelled = true;
    await this.driver.cancel();
    return true;
  }

  /**
   * The operator's interrupt: interrupts the running turn and waits (at most `waitMs`) for it to end, so the
   * answer says what the interrupt really did — a turn can end on its own before an interrupt takes effect.
   */
  async interruptAndConfirm(waitMs = INTERRUPT_CONFIRM_MS): Promise<InterruptResult> {
    const turn = this.current;
    if (!turn || !(await this.interrupt())) return interruptResults.noop;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([turn.ended.promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)))]);
    clearTimeout(timer);
    if (!outcome) return interruptResults.unconfirmed;
    return outcome.status === "cancelled" ? interruptResults.delivered : interruptResults.endedFirst;
  }

  /** Switches the agent's permission mode (Claude: default, acceptEdits, plan) where its driver has modes. */
  async setMode(mode: string): Promise<void> {
    if (!this.driver?.setMode) throw new DomainError("INVALID_INPUT", `this agent's driver has no permission modes`, { field: "mode" });
    await this.driver.setMode(mode);
    // On the timeline before the mode command says completed (a caller reads it right after).
    await recordEvent(this.deps, { sessionId: this.sessionId, agentId: this.agentId, type: "agent.mode_changed", status: mode, summary: `permission mode: ${mode}` });
  }

  /** Drops a queued prompt (its task was cancelled) or interrupts it if it is running. */
  async cancelCommand(commandId: string): Promise<void> {
    const index = this.queue.findIndex((q) => q.commandId === commandId);
    if (index >= 0) {
      const [dropped] = this.queue.splice(index, 1);
      await setCommandStatus(this.deps, commandId, "cancelled", { error: "cancelled before it started" }, { sessionId: this.sessionId });
      this.options.onCommandFinished(commandId, dropped!.taskId, "cancelled", "cancelled before it started");
      return;
    }
    if (this.current?.commandId === commandId) await this.interrupt();
  }

  async stop(reason = "stopped by operator"): Promise<void> {
    if (this.status === "stopped" || this.status === "stopping") return;
    if (this.status === "failed" || this.status === "lost") {
      // Nothing runs any more (or never started): whatever the driver left is ended, and the agent is stopped.
      await this.driver?.stop().catch(() => undefined);
      await this.transition("stopped", reason);
      return;
    }
    await this.transition("stopping");
    await this.failQueued("cancelled", `agent stopping: ${reason}`);
    if (this.current) await this.interrupt().catch(() => undefined);
    await this.driver?.stop().catch(() => undefined);
    await this.transition("stopped");
  }

  /** The operator changed the budget (both limits, as stored): a paused agent under it goes back to work. */
  async updateBudget(budget: { usd: number | null; tokens: number | null }): Promise<void> {
    this.options.budget = budget;
    if (this.status === "paused" && !this.overBudget()) {
      await this.transition("idle");
      this.pump();
    }
  }

  /**
   * The agent's runner is gone (its lease expired): the agent is lost with the reason. Prompts queued behind the
   * running turn never started; their tasks go back to the scheduler for another agent (another runner). The
   * running turn fails when its driver call is given up.
   */
  async lose(reason: string): Promise<void> {
    if (this.status === "lost" || this.status === "stopped" || this.status === "failed") return;
    await this.deps.prisma.agent.update({ where: { id: this.agentId }, data: { lastError: reason } });
    await this.transition("lost", reason);
    for (const prompt of this.queue.splice(0)) {
      await setCommandStatus(this.deps, prompt.commandId, "cancelled", { error: `agent lost before the command started: ${reason}` }, { sessionId: this.sessionId });
      if (prompt.taskId) this.options.onTaskRequeued(prompt.taskId, reason);
    }
  }

  /** The driver died on its own (crash, kill -9, EOF) or could not start. */
  private async fail(reason: string): Promise<void> {
    if (this.status === "failed" || this.status === "stopped" || this.status === "lost") return;
    if (this.status === "stopping") return;
    await this.deps.prisma.agent.update({ where: { id: this.agentId }, data: { lastError: reason } });
    await this.transition("failed", reason);
    await this.failQueued("failed", `agent failed: ${reason}`);
  }

  /**
   * A failed turn (model 401/429/529, a cut stream) leaves the agent idle, so without this the roster would show
   * nothing: lastError carries the reason until a later turn completes.
   */
  private async showTurnError(outcome: { status: "completed" | "failed" | "cancelled"; detail?: string | undefined }): Promise<void> {
    if (outcome.status === "failed") {
      await this.deps.prisma.agent.update({ where: { id: this.agentId }, data: { lastError: outcome.detail ?? "the turn failed" } });
      this.turnErrorShown = true;
    } else if (outcome.status === "completed" && this.turnErrorShown) {
      await this.deps.prisma.agent.update({ where: { id: this.agentId }, data: { lastError: null } });
      this.turnErrorShown = false;
    }
  }

  private async failQueued(status: "failed" | "cancelled", reason: string) {
    for (const prompt of this.queue.splice(0)) {
      await setCommandStatus(this.deps, prompt.commandId, status, { error: reason }, { sessionId: this.sessionId });
      this.options.onCommandFinished(prompt.commandId, prompt.taskId, status, reason);
    }
  }

  private pump(): void {
    if (this.current || this.status !== "idle" || !this.driver) {
      if (!this.current && this.status === "idle" && this.queue.length === 0) this.options.onIdle();
      return;
    }
    const next = this.queue.shift();
    if (!next) {
      this.options.onIdle();
      return;
    }
    this.current = { ...next, cancelled: false, ended: deferred() };
    const turn = this.current;
    const driver = this.driver;
    // A turn that throws (its events or status cannot be stored) leaves the queue stuck: the agent fails with the reason.
    this.background("agent turn", () => this.runTurn(turn, driver), (error) => this.fail(`turn failed: ${errorMessage(error)}`));
  }

  private async runTurn(turn: RunningTurn, driver: AgentDriver): Promise<void> {
    this.turnCost.usd = 0;
    this.turnCost.tokens = 0;
    this.streamedTokens = 0;
    let outcome: TurnOutcome;
    const watchdog = setInterval(() => this.checkStalled(), Math.min(this.options.watchdogMs, 5_000));
    watchdog.unref();
    try {
      await this.transition("busy");
      await setCommandStatus(this.deps, turn.commandId, "running", {}, { sessionId: this.sessionId });
      const shared = this.options.workspace && !this.options.workspace.isolated ? this.options.workspace.cwd : null;
      outcome = shared
        ? await withWorkspaceLock(shared, () => this.promptInFolder(turn, driver), {
            onWait: () => this.emit({ type: "agent.waiting", status: "workspace-locked", summary: "waiting for another agent's turn in the shared workspace", payload: {} }),
          })
        : await this.promptInFolder(turn, driver);
    } catch (error) {
      outcome = { status: "failed", detail: (error as Error).message };
    } finally {
      clearInterval(watchdog);
    }
    // Whoever waits for the command's completion may read the timeline at once: the turn's events come first.
    await this.eventsStored();
    await setCommandStatus(this.deps, turn.commandId, outcome.status, outcome.status === "completed" ? { result: outcome.detail } : { error: outcome.detail ?? outcome.status }, { sessionId: this.sessionId });
    turn.ended.resolve(outcome);
    await this.showTurnError(outcome);
    if (turn.taskId) {
      await this.deps.prisma.task.update({
        where: { id: turn.taskId },
        data: { costUsd: { increment: this.turnCost.usd }, tokens: { increment: this.turnCost.tokens } },
      }).catch(() => undefined);
    }
    this.current = null;
    this.options.onCommandFinished(turn.commandId, outcome.taskStopped ? undefined : turn.taskId, outcome.status, outcome.detail);
    if (this.status === "busy" || this.status === "waiting-for-permission") {
      if (this.pauseAfterTurn) {
        await this.transition("paused", this.pauseAfterTurn);
        this.pauseAfterTurn = null;
      } else {
        await this.transition("idle");
      }
    }
    this.pump();
  }

  /** One turn in the agent's folder: a task's turn is prepared first (handoff, upstream merges) and its work kept after. */
  private async promptInFolder(turn: RunningTurn, driver: AgentDriver): Promise<TurnOutcome> {
    const taskTurn: TaskTurn | null = turn.taskId ? { taskId: turn.taskId, agentId: this.agentId, text: turn.text, workspace: this.options.workspace } : null;
    const prepared = taskTurn ? await this.options.onTaskTurnStarting(taskTurn) : { text: turn.text };
    if ("refused" in prepared) return { status: "failed", detail: prepared.refused, taskStopped: true };
    const outcome = turn.cancelled ? this.interruptedBeforePrompt() : turnOutcome(turn, await this.sendPrompt(turn, prepared.text, driver));
    if (taskTurn) await this.options.onTaskTurnEnded(taskTurn, outcome.status);
    return outcome;
  }

  /**
   * An interrupt that came while the turn was being prepared (its status writes, a slow store, the workspace lock,
   * a task's handoff) found no turn in the driver to stop, so the prompt is never sent: the turn is cancelled here.
   * The check in promptInFolder and `driver.prompt()` run with no await between them, and every driver registers
   * its turn synchronously in `prompt()`, so an interrupt is either seen here or reaches the driver's turn.
   */
  private interruptedBeforePrompt(): TurnOutcome {
    const summary = "interrupted before the prompt was sent";
    this.emit({ type: "agent.interrupted", status: "cancelled", summary, payload: { kind: "interrupted" } });
    return { status: "cancelled", detail: summary };
  }

  private sendPrompt(turn: RunningTurn, text: string, driver: AgentDriver): Promise<TurnResult> {
    this.emit({ type: "prompt.submitted", summary: text, payload: { text } });
    this.touch();
    return driver.prompt(text, turn);
  }

  private emit(event: DriverEvent): void {
    this.touch();
    const newEvent = ownEvent({
      ...event,
      source: "agent",
      sessionId: this.sessionId,
      agentId: this.agentId,
      taskId: this.current?.taskId,
      commandId: this.current?.commandId,
    });
    this.trackStored(this.deps.writer.append([newEvent]));
    this.countUsage(event);
  }

  /** The usage an event of this agent carries, counted once toward its budgets. */
  private countUsage(event: { costUsd?: number | undefined; inputTokens?: number | undefined; outputTokens?: number | undefined }): void {
    if (!event.costUsd && !event.inputTokens && !event.outputTokens) return;
    // Tokens already counted while the turn streamed are not counted twice, nor counted again by a streamed
    // figure that arrives after this one (a runner's report can overtake its uploaded events, or lag behind them).
    const tokens = (event.inputTokens ?? 0) + (event.outputTokens ?? 0);
    const alreadyCounted = Math.min(tokens, this.streamedTokens);
    this.streamedTokens -= alreadyCounted;
    if (this.current) this.current.usageReported = true;
    this.account({ usd: event.costUsd ?? 0, tokens: tokens - alreadyCounted });
  }

  /** Keeps emit() non-blocking for drivers while the turn's end can still wait for what it wrote. */
  private trackStored(write: Promise<unknown>): void {
    const stored: Promise<void> = write.then(
      () => undefined,
      (error: unknown) => this.deps.log.error({ err: error, agentId: this.agentId }, "agent event not stored"),
    ).then(() => {
      this.unstored.delete(stored);
    });
    this.unstored.add(stored);
  }

  private async eventsStored(): Promise<void> {
    while (this.unstored.size > 0) await Promise.all([...this.unstored]);
  }

  /** The driver's running total of the turn's tokens: count what is new now, so limits act mid-turn. */
  private countStreamedTokens(tokensSoFar: number): void {
    if (!this.current || this.current.usageReported || tokensSoFar <= this.streamedTokens) return;
    const delta = tokensSoFar - this.streamedTokens;
    this.streamedTokens = tokensSoFar;
    this.account({ usd: 0, tokens: delta });
  }

  private account({ usd, tokens }: { usd: number; tokens: number }): void {
    this.options.spent.usd += usd;
    this.options.spent.tokens += tokens;
    this.turnCost.usd += usd;
    this.turnCost.tokens += tokens;
    const taskBudget = this.current?.taskBudget;
    if (this.current && taskBudget && !this.current.overBudget && overLimit(taskBudget, this.turnCost)) {
      this.current.overBudget = `task budget exceeded: $${this.turnCost.usd.toFixed(4)} of $${taskBudget.usd ?? "∞"}, ${this.turnCost.tokens} of ${taskBudget.tokens ?? "∞"} tokens`;
      this.trackStored(recordEvent(this.deps, { sessionId: this.sessionId, agentId: this.agentId, taskId: this.current.taskId, type: "budget.exceeded", status: "task", summary: this.current.overBudget, payload: { budget: taskBudget, spent: { ...this.turnCost } } }));
      this.background("interrupt the turn at its budget", () => this.stopTurnForBudget());
    }
    if (this.overBudget() && !this.pauseAfterTurn) {
      const { budget, spent } = this.options;
      this.pauseAfterTurn = `budget exceeded: $${spent.usd.toFixed(4)} of $${budget.usd ?? "∞"}, ${spent.tokens} of ${budget.tokens ?? "∞"} tokens`;
      this.trackStored(
        recordEvent(this.deps, {
          sessionId: this.sessionId,
          agentId: this.agentId,
          type: "budget.exceeded",
          summary: this.pauseAfterTurn,
          status: "paused",
          payload: { budget, spent: { ...spent } },
        }),
      );
      if (this.current) {
        this.current.agentOverBudget = this.pauseAfterTurn;
        this.background("interrupt the turn at its budget", () => this.stopTurnForBudget());
      } else if (this.status === "idle") {
        const reason = this.pauseAfterTurn;
        this.background("pause over budget", () => this.transition("paused", reason).then(() => (this.pauseAfterTurn = null)), (error) => this.fail(`could not pause: ${errorMessage(error)}`));
      }
    }
  }

  /** Interrupts the running turn for a budget (not an operator interrupt: the outcome then names the budget). */
  private async stopTurnForBudget(): Promise<void> {
    await this.driver?.cancel();
  }

  private overBudget(): boolean {
    return overLimit(this.options.budget, this.options.spent);
  }

  private touch(): void {
    this.lastActivity = Date.now();
    if (this.stalled) {
      this.stalled = false;
      this.background("record agent responding", () => recordEvent(this.deps, { sessionId: this.sessionId, agentId: this.agentId, type: "agent.waiting", status: "resumed", summary: "agent is responding again" }));
    }
  }

  private checkStalled(): void {
    const quietMs = Date.now() - this.lastActivity;
    if (this.stalled || this.status === "waiting-for-permission" || quietMs < this.options.watchdogMs) return;
    this.stalled = true;
    const event = {
      sessionId: this.sessionId,
      agentId: this.agentId,
      commandId: this.current?.commandId,
      type: "agent.waiting" as const,
      status: "stalled" as const,
      summary: `no update for ${Math.round(quietMs / 1000)} s (the model may be retrying or slow)`,
      payload: { quietMs },
    };
    this.background("record agent stalled", () => recordEvent(this.deps, event));
  }

  private async requestPermission(request: PermissionRequest, signal: AbortSignal): Promise<PermissionDecision> {
    // Past a limit the turn is being interrupted: no further tool may run meanwhile.
    const overBudget = this.current?.overBudget ?? this.current?.agentOverBudget;
    if (overBudget) return { behavior: "deny", message: overBudget, interrupt: true };
    const readOnly = this.options.readOnly;
    const decision = await this.deps.requestPermission({
      sessionId: this.sessionId,
      agentId: this.agentId,
      commandId: this.current?.commandId ?? null,
      request,
      signal,
      ...(readOnly && !onlyLooks(request) ? { refusal: { answeredBy: "read-only", reason: readOnly } } : {}),
      onWaiting: async () => {
        if (this.status !== "busy") return;
        try {
          await this.transition("waiting-for-permission");
        } catch (error) {
          this.background("fail after a status not stored", () => this.fail(`status not stored: ${errorMessage(error)}`));
        }
      },
    });
    if (this.status === "waiting-for-permission") await this.transition("busy");
    this.touch();
    return decision;
  }

  /** Work nobody awaits: a failure is logged through the injected logger with the agent, never left floating. */
  private background(label: string, work: () => Promise<unknown>, onError?: (error: unknown) => Promise<void>): void {
    background(this.deps.log, `${label} (agent ${this.agentId})`, work, onError);
  }

  /** Serialized so persisted state always follows the order transitions happened in. */
  private transition(to: AgentStatus, reason?: string): Promise<void> {
    const run = async () => {
      const from = this.status;
      if (from === to) return;
      assertTransition(this.agentId, from, to);
      this.status = to;
      const row = await this.deps.prisma.agent.update({ where: { id: this.agentId }, data: { status: to } });
      this.deps.control.publish({ entity: "agent", id: this.agentId, sessionId: this.sessionId, action: "updated", status: to, data: agentDto(row) });
      await recordEvent(this.deps, {
        sessionId: this.sessionId,
        agentId: this.agentId,
        type: "agent.status",
        status: to,
        summary: reason ? `${from} → ${to}: ${reason}` : `${from} → ${to}`,
        payload: { from, to, reason: reason ?? null },
      });
    };
    this.transitions = this.transitions.then(run, run);
    return this.transitions;
  }
}

interface RunningTurn extends QueuedPrompt {
  /** The operator (or a task cancel) interrupted it. */
  cancelled: boolean;
  /** The task's budget was crossed: the turn is interrupted and the task fails with this reason. */
  overBudget?: string;
  /** The agent's budget was crossed during the turn: it is interrupted, and the agent pauses after it. */
  agentOverBudget?: string;
  /** The turn's own usage event was counted: streamed figures arriving after it are not. */
  usageReported?: boolean;
  /** Resolved with the command's outcome once it is stored. */
  ended: Deferred<TurnOutcome>;
}

/**
 * `taskStopped`: the task's turn never ran because its preparation stopped the task itself (blocked on a merge
 * conflict, status and reason set): the task does not follow this command's end, which may come after the operator
 * already answered the conflict.
 */
type TurnOutcome = { status: "completed" | "failed" | "cancelled"; detail?: string | undefined; taskStopped?: true };

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The command's outcome, truthfully: a task over its budget fails with the reason; a turn interrupted for the
 * agent's budget is cancelled with the reason; a turn that ended on its own keeps its own outcome, also when an
 * interrupt came too late to stop it (the agent still pauses after it when it crossed the agent's budget).
 */
function turnOutcome(turn: RunningTurn, result: TurnResult): TurnOutcome {
  if (turn.overBudget) return { status: "failed", detail: turn.overBudget };
  if (result.status === "cancelled" && turn.agentOverBudget && !turn.cancelled) return { status: "cancelled", detail: turn.agentOverBudget };
  return { status: result.status, detail: result.error ?? result.result };
}

function overLimit(budget: { usd: number | null; tokens: number | null }, spent: { usd: number; tokens: number }): boolean {
  return (budget.usd !== null && spent.usd >= budget.usd) || (budget.tokens !== null && spent.tokens >= budget.tokens);
}
