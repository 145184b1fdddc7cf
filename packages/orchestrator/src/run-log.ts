import { notFound } from "@rozet/vocabulary";
import type { Stores } from "./deps.ts";
import { commandDto } from "./dto.ts";

/** Payload bytes one run-log page carries at most (a page ends early rather than holding megabytes of output). */
export const RUN_LOG_PAGE_BYTES = 2 * 1024 * 1024;

/**
 * One page of a command's run log: the command (with its agent's name and session) and its events, payloads
 * included, after `after` in seq order. An unknown command is a 404 naming it.
 */
export async function commandRunLog(deps: Pick<Stores, "prisma" | "events">, input: { commandId: string; after?: number | undefined; limit: number }) {
  const row = await deps.prisma.command.findUnique({ where: { id: input.commandId }, include: { agent: { select: { sessionId: true, name: true } } } });
  if (!row) throw notFound("command", input.commandId);
  const page = await deps.events.commandPage({ ...input, maxPayloadBytes: RUN_LOG_PAGE_BYTES });
  const { agent, ...command } = row;
  return {
    command: { ...commandDto(command), sessionId: agent.sessionId, agentName: agent.name },
    events: page.events,
    hasMore: page.hasMore,
    /** Ask for the next page (or, once `hasMore` is false, for what arrives later) with this as `after`. */
    nextAfter: page.events.at(-1)?.seq ?? input.after ?? 0,
  };
}
