import type { AgentCallAnswer, AgentCallBox, AgentOwner, ReplicaDirectory } from "@rozet/db";
import { background, DomainError, domainErrorCodes, errorMessage, type DomainErrorCode, type Logger } from "@rozet/vocabulary";
import type { Replicas } from "../replica-topics.ts";

/** What a replica can do for an agent that runs on another one (`report`: a runner's report about the agent). */
export type ForwardedKind = "command" | "interrupt" | "stop" | "mode" | "budget" | "report";

/** Runs a call for an agent on the replica that runs it, with that replica's answer (or error). */
export interface AgentForwarding {
  /** Null: the agent runs here, or on no live replica we know of: run the call here. */
  forward(agentId: string, kind: ForwardedKind, input: Record<string, unknown>): Promise<{ value: unknown } | null>;
}

export interface AgentForwarderDeps {
  directory: ReplicaDirectory;
  calls: AgentCallBox | null;
  replicas: Replicas;
  log: Logger;
  /** Whether this replica runs the agent (its runtime is here): then nothing is forwarded. */
  runsHere: (agentId: string) => boolean;
  /**
   * Whether the agent is live as stored. One that is not (lost, stopped, failed: e.g. marked lost by a replica that
   * started after its own replica died) runs nowhere, whatever replica last ran it: the call is answered here.
   */
  storedLive: (agentId: string) => Promise<boolean>;
  /** A live replica takes a call within milliseconds; one that has not after this long is not answering. */
  pickupMs: number;
  /** A call taken but unanswered after this long is given up on (an interrupt waits up to 10 s for its turn to end). */
  answerMs: number;
}

/** How often a waiting sender reads the call's row even without a signal (signals are best effort). */
const RECHECK_MS = 1_000;

/**
 * Agent commands across replicas. The sender posts the call as a row and signals the owner; the owner claims the
 * row (once), runs the call as if it had been sent to it, stores the answer and signals back. The caller gets that
 * answer, the owner's error (same code), or: 503 when the owner does not take the call in time (nothing was done),
 * 504 when it took it but did not answer in time.
 */
export class AgentForwarder implements AgentForwarding {
  private readonly waiting = new Map<string, () => void>();
  private serving: ((kind: ForwardedKind, input: Record<string, unknown>) => Promise<unknown>) | null = null;

  constructor(private readonly deps: AgentForwarderDeps) {
    const self = deps.directory.self.replicaId;
    deps.replicas.on("agent.call", ({ id, to }) => {
      if (to === self) this.take(id);
    });
    deps.replicas.on("agent.call.answered", ({ id, to }) => {
      if (to === self) this.waiting.get(id)?.();
    });
    // Cut off for a while: calls signalled meanwhile are still in the box.
    deps.replicas.onResync(() => this.takePending());
  }

  /** From now on calls addressed to this replica run through `run`. */
  serve(run: (kind: ForwardedKind, input: Record<string, unknown>) => Promise<unknown>): void {
    this.serving = run;
  }

  async forward(agentId: string, kind: ForwardedKind, input: Record<string, unknown>): Promise<{ value: unknown } | null> {
    const { calls, directory } = this.deps;
    if (!calls || this.deps.runsHere(agentId)) return null;
    const owner = await directory.ownerOf(agentId);
    if (!owner || owner.replicaId === directory.self.replicaId || !(await this.deps.storedLive(agentId))) return null;
    if (!owner.alive) {
      throw new DomainError("UNAVAILABLE", `agent ${agentId} runs on replica ${owner.name}, which stopped answering (no heartbeat since ${owner.lastSeenAt.toISOString()}); it will be marked lost`, {
        agentId,
        replica: owner.name,
      });
    }
    const id = await calls.post({ agentId, to: owner.replicaId, kind, input });
    await this.deps.replicas.send("agent.call", { id, to: owner.replicaId });
    return { value: await this.awaitAnswer(id, agentId, owner) };
  }

  private async awaitAnswer(id: string, agentId: string, owner: AgentOwner): Promise<unknown> {
    const calls = this.deps.calls!;
    const started = Date.now();
    try {
      for (;;) {
        const woken = new Promise<void>((resolve) => this.waiting.set(id, resolve));
        const state = await calls.state(id);
        if (state.status === "answered") return unwrap(state.answer);
        const elapsed = Date.now() - started;
        if (state.status !== "taken" && elapsed >= this.deps.pickupMs && (state.status !== "pending" || (await calls.withdraw(id)))) {
          throw new DomainError("UNAVAILABLE", `agent ${agentId} runs on replica ${owner.name}, which did not take the call within ${seconds(this.deps.pickupMs)} (nothing was done; try again)`, {
            agentId,
            replica: owner.name,
          });
        }
        if (elapsed >= this.deps.answerMs) {
          throw new DomainError("TIMEOUT", `agent ${agentId} runs on replica ${owner.name}, which took the call but did not answer within ${seconds(this.deps.answerMs)} (it may still take effect)`, {
            agentId,
            replica: owner.name,
          });
        }
        let timer: NodeJS.Timeout | undefined;
        const limit = state.status === "taken" ? this.deps.answerMs : this.deps.pickupMs;
        await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(10, Math.min(RECHECK_MS, limit - elapsed)))))]);
        clearTimeout(timer);
      }
    } finally {
      this.waiting.delete(id);
    }
  }

  /** Calls addressed here that nobody took (their signal was missed): run by the heartbeat and after a resync. */
  takePending(): void {
    const calls = this.deps.calls;
    if (!calls) return;
    background(this.deps.log, "take pending agent calls", async () => {
      for (const id of await calls.pendingIds()) this.take(id);
    });
  }

  private take(id: string): void {
    const calls = this.deps.calls;
    const run = this.serving;
    if (!calls || !run) return;
    background(this.deps.log, `agent call ${id}`, async () => {
      const call = await calls.claim(id);
      if (!call) return;
      let answer: AgentCallAnswer;
      try {
        answer = { ok: true, value: await run(call.kind as ForwardedKind, call.input as Record<string, unknown>) };
      } catch (error) {
        if (!(error instanceof DomainError)) this.deps.log.error({ err: error, agentId: call.agentId, kind: call.kind }, "forwarded agent call failed");
        answer = { ok: false, error: error instanceof DomainError ? { code: error.code, message: error.message, details: error.details } : { code: "INTERNAL", message: errorMessage(error) } };
      }
      await calls.answer(id, answer);
      await this.deps.replicas.send("agent.call.answered", { id, to: call.from });
    });
  }
}

/** The owner's answer as if the call had run here: its value, or its error with the same code. */
function unwrap(answer: AgentCallAnswer): unknown {
  if (answer.ok) return answer.value;
  const { code, message, details } = answer.error;
  if ((domainErrorCodes as readonly string[]).includes(code)) throw new DomainError(code as DomainErrorCode, message, details);
  throw new Error(message);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
