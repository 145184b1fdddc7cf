import type { AgentDriver, DriverContext, DriverStartInfo, TurnResult } from "../runtime/driver.ts";
import type { JobOutcome, RunnerJob } from "./protocol.ts";

/** What a remote driver needs of the hub: send a job and hear the answer, and forget the agent once it stopped. */
export interface RunnerJobs {
  readonly closing: boolean;
  send(agentId: string, job: RunnerJob, runnerId: string | null, label?: string): Promise<JobOutcome & { runnerId: string }>;
  forget(agentId: string): Promise<void>;
}

/** A runner that does not answer a stop within this long is taken to be gone; the agent stops anyway. */
const STOP_ANSWER_MS = 15_000;

/**
 * The driver of an agent that runs on a remote runner: each driver call is a job for the runner, answered over
 * the API. The runner runs the real driver (claude, acp, shell) on its own disk; its events reach the timeline
 * through the normal ingest.
 */
export class RemoteDriver implements AgentDriver {
  /** The runner holding the agent's lease; null before it started and once it is lost. */
  runnerId: string | null = null;

  constructor(private readonly options: { hub: RunnerJobs; context: DriverContext; label: string; driver: string }) {}

  get host() {
    return this.options.context.host;
  }

  /** An event of this agent arrived (the watchdog's sign of life). */
  activity(): void {
    this.host.activity();
  }

  /** An event of this agent carrying usage was stored (it came through the ingest): budgets count it. */
  usageStored(usage: { costUsd: number | null; inputTokens: number | null; outputTokens: number | null }): void {
    this.host.usageStored?.({ costUsd: usage.costUsd, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
  }

  /** Its runner is gone: no job goes there any more. */
  lost(_reason: string): void {
    this.runnerId = null;
  }

  async start(): Promise<DriverStartInfo> {
    const { context, label, driver, hub } = this.options;
    const outcome = await hub.send(
      context.agentId,
      {
        kind: "start",
        agentId: context.agentId,
        sessionId: context.sessionId,
        driver,
        ...(context.model ? { model: context.model } : {}),
        config: context.config,
        ...(context.resumeSessionId ? { resumeSessionId: context.resumeSessionId } : {}),
        ...(context.priorCostUsd !== undefined ? { priorCostUsd: context.priorCostUsd } : {}),
      },
      null,
      label,
    );
    if (!outcome.ok) throw new Error(`runner ${outcome.runnerId}: ${outcome.error}`);
    this.runnerId = outcome.runnerId;
    return { externalSessionId: outcome.externalSessionId, processId: outcome.processId };
  }

  async prompt(text: string, turn?: { commandId?: string | undefined; taskId?: string | undefined }): Promise<TurnResult> {
    const outcome = await this.options.hub.send(this.agentId, { kind: "prompt", agentId: this.agentId, text, commandId: turn?.commandId, taskId: turn?.taskId }, this.requireRunner());
    if (!outcome.ok) return { status: "failed", error: outcome.error };
    return outcome.turn ?? { status: "failed", error: "the runner answered the prompt without a turn outcome" };
  }

  async cancel(): Promise<void> {
    if (this.runnerId) await this.options.hub.send(this.agentId, { kind: "interrupt", agentId: this.agentId }, this.runnerId);
  }

  async setMode(mode: string): Promise<void> {
    const outcome = await this.options.hub.send(this.agentId, { kind: "set-mode", agentId: this.agentId, mode }, this.requireRunner());
    if (!outcome.ok) throw new Error(outcome.error);
  }

  async stop(): Promise<void> {
    const runnerId = this.runnerId;
    try {
      // While the server shuts down nothing reaches runners any more: the released lease tells the runner to stop it.
      if (runnerId && !this.options.hub.closing) {
        let timer: NodeJS.Timeout | undefined;
        const answered = this.options.hub.send(this.agentId, { kind: "stop", agentId: this.agentId }, runnerId);
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_ANSWER_MS)));
        await Promise.race([answered.then(() => undefined, () => undefined), timeout]);
        clearTimeout(timer);
      }
    } finally {
      this.runnerId = null;
      await this.options.hub.forget(this.agentId);
    }
  }

  private get agentId(): string {
    return this.options.context.agentId;
  }

  private requireRunner(): string {
    if (!this.runnerId) throw new Error("the agent's runner is gone");
    return this.runnerId;
  }
}
