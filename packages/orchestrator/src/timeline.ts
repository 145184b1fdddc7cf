import { newEventId, type NewEvent } from "@rozet/db";
import type { Stores } from "./deps.ts";
import type { EventPayload, EventType, IndexedFields } from "@rozet/vocabulary";
import { outputSummary } from "./normalize/output-summary.ts";

/** Where an event belongs and who produced it. */
interface EventContext {
  sessionId: string;
  agentId?: string | undefined;
  taskId?: string | undefined;
  commandId?: string | undefined;
  /** `rozet` for what the control room did, `agent` for what a driver reported. */
  source?: "rozet" | "agent";
}

/** A catalogue type and its payload; the payload may be left out where the type requires no field. */
type TypedPayload = {
  // `{} extends P` asks "does P have no required field?"; `{}` is the exact type for that question.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  [T in EventType]: {} extends EventPayload<T> ? { type: T; payload?: EventPayload<T> } : { type: T; payload: EventPayload<T> };
}[EventType];

export type RozetEventInput = EventContext & IndexedFields & TypedPayload;

/** An event the control room produces itself (its own actions, or a driver's normalized event). */
export function ownEvent(input: RozetEventInput): NewEvent {
  return {
    eventId: newEventId(),
    session: { ref: input.sessionId },
    agent: input.agentId ? { ref: input.agentId } : undefined,
    taskId: input.taskId,
    commandId: input.commandId,
    source: input.source ?? "rozet",
    type: input.type,
    schemaVersion: 2,
    clientTs: Date.now(),
    toolName: input.toolName,
    filePath: input.filePath,
    status: input.status,
    costUsd: input.costUsd,
    inputTokens: input.inputTokens,
    outputTokens: input.outputTokens,
    summary: input.summary ?? derivedSummary(input),
    payloadJson: JSON.stringify(input.payload ?? {}),
  };
}

/** The summary of an event whose producer gives none: command output gets its first line (the timeline shows nothing else). */
function derivedSummary(input: RozetEventInput): string | undefined {
  return input.type === "shell.output" ? outputSummary(input.payload.stream, input.payload.text) : undefined;
}

/** What the timeline writes through: the event writer. */
export type TimelineDeps = Pick<Stores, "writer">;

/** Records something the control room itself did on the timeline (same write path as ingested events). */
export async function recordEvent(deps: TimelineDeps, input: RozetEventInput) {
  const [result] = await deps.writer.append([ownEvent(input)]);
  return result!;
}
