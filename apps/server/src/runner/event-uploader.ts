import { ownEvent, type DriverEvent } from "@rozet/orchestrator";
import type { Logger } from "@rozet/vocabulary";

/** Where an agent's event belongs on the timeline. */
export interface EventOrigin {
  sessionId: string;
  agentId: string;
  commandId?: string | undefined;
  taskId?: string | undefined;
}

const MAX_BATCH = 500;
const MAX_SUMMARY = 4_000;


/**
 * A runner's agents' events, sent through the server's normal ingest (POST /api/events, schema 2) in batches, one
 * request at a time so they are stored in the order they happened. Ids are assigned here: a batch retried after a
 * lost answer is stored once. `flush()` resolves once everything queued so far is acknowledged (committed).
 */
export class EventUploader {
  private queue: Record<string, unknown>[] = [];
  private sending: Promise<void> | null = null;
  private closed = false;
  /** Events added, and events the server answered for (stored, or refused and given up), since the start. */
  private added = 0;
  private answered = 0;
  private readonly waiters: { upTo: number; resolve: () => void }[] = [];
  /** Per agent, the position of its newest event in the stream: its turn waits for that one, not for everyone's. */
  private readonly lastOf = new Map<string, number>();

  constructor(private readonly options: { url: string; token: string; log: Logger }) {}

  add(origin: EventOrigin, event: DriverEvent): void {
    const stored = ownEvent({ ...event, source: "agent", ...origin });
    const wire: Record<string, unknown> = {
      schema_version: 2,
      event_id: stored.eventId,
      source_app: origin.sessionId,
      session_id: origin.sessionId,
      agent_id: origin.agentId,
      type: stored.type,
      payload: event.payload ?? {},
      timestamp: stored.clientTs,
    };
    const optional: Record<string, unknown> = {
      task_id: origin.taskId,
      command_id: origin.commandId,
      summary: stored.summary?.slice(0, MAX_SUMMARY),
      tool_name: stored.toolName,
      file_path: stored.filePath,
      status: stored.status,
      cost_usd: stored.costUsd,
      input_tokens: stored.inputTokens,
      output_tokens: stored.outputTokens,
    };
    for (const [key, value] of Object.entries(optional)) if (value !== undefined && value !== null) wire[key] = value;
    this.queue.push(wire);
    this.added += 1;
    this.lastOf.set(origin.agentId, this.added);
    this.kick();
  }

  /** Resolves when every event added so far (of one agent, if named) is stored on the server. */
  flush(agentId?: string): Promise<void> {
    const upTo = agentId === undefined ? this.added : (this.lastOf.get(agentId) ?? 0);
    if (this.answered >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  close(): void {
    this.closed = true;
  }

  private kick(): void {
    if (this.sending) return;
    this.sending = this.drain().finally(() => {
      this.sending = null;
      if (this.queue.length > 0 && !this.closed) this.kick();
    });
  }

  private async drain(): Promise<void> {
    let failures = 0;
    while (this.queue.length > 0 && !this.closed) {
      // Give events emitted in the same tick a chance to join the batch.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = this.queue.slice(0, MAX_BATCH);
      const outcome = await this.post(batch);
      if (outcome === "retry") {
        failures += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** failures, 5_000)));
        continue;
      }
      failures = 0;
      this.queue.splice(0, batch.length);
      this.answered += batch.length;
      for (const waiter of this.waiters.filter((w) => w.upTo <= this.answered)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** "retry" when the server is unreachable, overloaded or failing; a refusal (4xx) is logged and not sent again. */
  private async post(events: Record<string, unknown>[]): Promise<"ok" | "retry" | "refused"> {
    try {
      const response = await fetch(`${this.options.url}/api/events`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.options.token}` },
        body: JSON.stringify(events),
      });
      const text = await response.text();
      if (response.ok) return "ok";
      if (response.status === 429 || response.status >= 500) return "retry";
      this.options.log.error({ status: response.status, answer: text.slice(0, 2_000), events: events.length }, "the server refused agent events");
      return "refused";
    } catch (error) {
      this.options.log.warn({ err: error }, "could not send agent events; retrying");
      return "retry";
    }
  }
}
