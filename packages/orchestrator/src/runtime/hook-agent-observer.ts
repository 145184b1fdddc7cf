import { background, type AgentStatus } from "@rozet/vocabulary";
import type { EventSummary } from "@rozet/db";
import type { Stores } from "../deps.ts";
import { agentDto } from "../dto.ts";
import { asRecord, asString } from "@rozet/vocabulary";
import { clip } from "../normalize/hook-events.ts";
import { OpenHookCalls, type Closing, type HookStep } from "../normalize/open-hook-calls.ts";
import { recordEvent } from "../timeline.ts";
import { assertTransition } from "./lifecycle.ts";

/** Hook-reported agents followed at once (each holds at most a few open calls). */
const MAX_AGENTS = 10_000;

/** It follows committed events on the bus, reads payloads back, and stores what it closes or changes. */
export type HookAgentObserverDeps = Pick<Stores, "bus" | "events" | "prisma" | "control" | "writer" | "log">;

interface Observed {
  sessionId: string;
  status: AgentStatus;
  open: OpenHookCalls;
}

/**
 * Follows the committed hook events of agents that report in through Claude Code hooks (driver `external`): a
 * `SessionEnd` leaves the agent `ended` (a later event of theirs makes it `idle` again), and tool calls and
 * permission requests the hook stream leaves open are closed on the timeline once the stream shows they are over.
 * Runs after commit, off the ingest path, one batch at a time in commit order.
 */
export class HookAgentObserver {
  /** Hook-reported agents seen since start; `null` for agents we drive (their hooks, if any, change nothing here). */
  private readonly agents = new Map<string, Observed | null>();
  private work: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: HookAgentObserverDeps) {}

  start(): void {
    this.unsubscribe = this.deps.bus.subscribe("events", (batch, origin) => {
      // Another replica's events are observed there (once), not again here.
      if (origin !== "local") return;
      const hooks = batch.filter((e) => e.agentId !== null && e.hookEventType !== null);
      if (hooks.length === 0) return;
      const run = () => this.observe(hooks);
      this.work = this.work.then(run, run);
      background(this.deps.log, "observe hook-reported agents", () => this.work);
    });
  }

  /** Stops listening and lets the batch in hand finish (before the writer closes). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.work.catch(() => undefined); // already logged by background()
  }

  private async observe(events: EventSummary[]): Promise<void> {
    for (const event of events) {
      const agent = await this.agent(event.agentId!);
      if (!agent) continue;
      const hook = event.hookEventType!;
      if (agent.status === "ended" && hook !== "SessionEnd") await this.setStatus(event.agentId!, agent, "idle", `reported in again (${hook})`);
      for (const closing of await agent.open.observe(await this.step(event))) await this.close(event.agentId!, agent.sessionId, closing);
      if (hook === "SessionEnd") {
        await this.setStatus(event.agentId!, agent, "ended", event.summary ? `session ended: ${event.summary}` : "session ended");
        this.agents.delete(event.agentId!); // nothing open is left; a later event reloads it from the store
      }
    }
  }

  private async agent(agentId: string): Promise<Observed | null> {
    const known = this.agents.get(agentId);
    if (known !== undefined) return known;
    const row = await this.deps.prisma.agent.findUnique({ where: { id: agentId }, select: { driver: true, status: true, sessionId: true } });
    if (!row) return null; // deleted with its session meanwhile
    const observed = row.driver === "external" ? { sessionId: row.sessionId, status: row.status as AgentStatus, open: new OpenHookCalls((seq) => this.toolUseIdOf(seq)) } : null;
    this.agents.set(agentId, observed);
    // Bounded: agents that never send SessionEnd (REST producers) are forgotten oldest first.
    if (this.agents.size > MAX_AGENTS) this.agents.delete(this.agents.keys().next().value!);
    return observed;
  }

  private async toolUseIdOf(seq: number): Promise<string | undefined> {
    return asString(asRecord((await this.deps.events.get(seq))?.payload)?.tool_use_id);
  }

  /** What the tracker needs of a stored hook event; a payload is read only for PostToolBatch (its calls). */
  private async step(event: EventSummary): Promise<HookStep> {
    const step: HookStep = { seq: event.seq, hookEventType: event.hookEventType!, toolName: event.toolName };
    if (step.hookEventType !== "PostToolBatch") return step;
    const payload = asRecord((await this.deps.events.get(event.seq))?.payload) ?? {};
    if (Array.isArray(payload.tool_calls)) {
      step.batch = payload.tool_calls.map((call) => asRecord(call) ?? {}).flatMap((call) => {
        const toolUseId = asString(call.tool_use_id);
        return toolUseId ? [{ toolUseId, response: typeof call.tool_response === "string" ? clip(call.tool_response, 200) : undefined }] : [];
      });
    }
    return step;
  }

  private async close(agentId: string, sessionId: string, closing: Closing): Promise<void> {
    if (closing.kind === "tool") {
      const started = await this.deps.events.get(closing.startedSeq);
      await recordEvent(this.deps, {
        sessionId,
        agentId,
        type: "tool.finished",
        toolName: closing.toolName,
        filePath: started?.filePath ?? undefined,
        status: closing.status,
        summary: clip(`${closing.toolName}: ${closing.reason}`),
        payload: { toolUseId: closing.toolUseId ?? undefined, startedSeq: closing.startedSeq, reason: closing.reason, closedBy: closing.closedBy },
      });
      return;
    }
    await recordEvent(this.deps, {
      sessionId,
      agentId,
      type: "permission.answered",
      toolName: closing.toolName,
      status: closing.status,
      summary: clip(`${closing.toolName}: ${closing.status} (${closing.reason})`),
      payload: { requestSeq: closing.requestSeq, answeredBy: "agent", reason: closing.reason, closedBy: closing.closedBy },
    });
  }

  private async setStatus(agentId: string, agent: Observed, to: AgentStatus, reason: string): Promise<void> {
    const from = agent.status;
    if (from === to) return;
    assertTransition(agentId, from, to);
    agent.status = to;
    const row = await this.deps.prisma.agent.update({ where: { id: agentId }, data: { status: to } });
    this.deps.control.publish({ entity: "agent", id: agentId, sessionId: agent.sessionId, action: "updated", status: to, data: agentDto(row) });
    await recordEvent(this.deps, { sessionId: agent.sessionId, agentId, type: "agent.status", status: to, summary: `${from} → ${to}: ${reason}`, payload: { from, to, reason } });
  }
}
