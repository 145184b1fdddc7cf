import { DomainError, notFound } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";

/**
 * Agents reported by Claude Code hooks (driver `external`) run elsewhere: the control room watches them and
 * cannot command, interrupt, stop, resume or switch the mode of them. One check, one message, for every action.
 */
export function observedNotDriven(agent: { id: string; name: string }): DomainError {
  return new DomainError(
    "ILLEGAL_STATE",
    `agent ${agent.name} (${agent.id}) reports in through Claude Code hooks: it is observed, not driven by the control room`,
    { agentId: agent.id, driver: "external" },
  );
}

/** Throws the one clear refusal when an action targets a hook-reported agent. */
export function assertDriven(agent: { id: string; name: string; driver: string }): void {
  if (agent.driver === "external") throw observedNotDriven(agent);
}

/** Loads the agent an action targets and refuses hook-reported ones (unknown ids are NOT_FOUND). */
export async function assertDrivenAgent(deps: Pick<Stores, "prisma">, agentId: string): Promise<void> {
  const agent = await deps.prisma.agent.findUnique({ where: { id: agentId }, select: { id: true, name: true, driver: true } });
  if (!agent) throw notFound("agent", agentId);
  assertDriven(agent);
}
