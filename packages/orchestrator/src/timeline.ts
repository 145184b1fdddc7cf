import { newEventId, type NewEvent } from "@rozet/db";
import type { ControlRoom } from "./control-room.ts";

export interface RozetEventInput {
  sessionId: string;
  agentId?: string | undefined;
  taskId?: string | undefined;
  commandId?: string | undefined;
  type: string;
  summary?: string | undefined;
  status?: string | undefined;
  payload?: unknown;
}

/** Records something the control room itself did on the timeline (same write path as ingested events). */
export async function recordEvent(room: ControlRoom, input: RozetEventInput) {
  const event: NewEvent = {
    eventId: newEventId(),
    session: { ref: input.sessionId },
    agent: input.agentId ? { ref: input.agentId } : undefined,
    taskId: input.taskId,
    commandId: input.commandId,
    source: "rozet",
    type: input.type,
    schemaVersion: 2,
    clientTs: Date.now(),
    status: input.status,
    summary: input.summary,
    payloadJson: JSON.stringify(input.payload ?? {}),
  };
  const [result] = await room.writer.append([event]);
  return result!;
}
