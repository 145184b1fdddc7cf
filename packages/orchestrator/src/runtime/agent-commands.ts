import { DomainError, notFound, COMMANDABLE_AGENT_STATUSES, RESUMABLE_AGENT_STATUSES, type AgentStatus } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";
import { agentDto, commandDto, type AgentDto, type CommandDto } from "../dto.ts";
import { createCommand, setCommandStatus } from "./commands.ts";
import { assertDriven, assertDrivenAgent } from "./observed-agents.ts";
import type { OperatorAnswer, PermissionBroker } from "./permission-broker.ts";
import type { AgentRuntime } from "./agent-runtime.ts";
import type { AgentRegistry } from "./registry.ts";
import type { AgentForwarding, ForwardedKind } from "../replicas/agent-forwarding.ts";
import type { RunnerReport } from "../runners/protocol.ts";
import type { RunnerHub } from "../runners/runner-hub.ts";

/** What the agent commands use: command rows, the live agents, and (for answers) the permission queue. */
export interface AgentCommandDeps extends Pick<Stores, "prisma" | "control"> {
  agents: Pick<AgentRegistry, "find" | "get" | "stop" | "launch">;
  permissions: Pick<PermissionBroker, "get" | "respond">;
  /** Runs a call on the replica that runs the agent, when that is another one (absent: every agent runs here). */
  forwarding?: AgentForwarding | undefined;
}

type ForwardingDeps = Pick<AgentCommandDeps, "forwarding">;

/** The owning replica's answer when the agent runs on another replica; null: run the call here. */
async function onOwningReplica(deps: ForwardingDeps, agentId: string, kind: ForwardedKind, input: Record<string, unknown>): Promise<{ value: unknown } | null> {
  return deps.forwarding ? deps.forwarding.forward(agentId, kind, input) : null;
}

/** Runs a short control command (interrupt, stop, permission answer) through the same command lifecycle. */
async function runControlCommand(
  deps: Pick<AgentCommandDeps, "prisma" | "control">,
  input: { agentId: string; kind: CommandDto["kind"]; input: Record<string, unknown>; idempotencyKey?: string | undefined; issuedBy?: string | undefined },
  action: () => Promise<string>,
): Promise<CommandDto> {
  // An unknown agent is a 404 naming it (the command row would otherwise fail on its foreign key).
  const agent = await deps.prisma.agent.findUnique({ where: { id: input.agentId }, select: { sessionId: true } });
  if (!agent) throw notFound("agent", input.agentId);
  const known = { sessionId: agent.sessionId };
  const { command, existing } = await createCommand(deps, { ...input, accepted: true, ...known });
  if (existing) return command;
  await setCommandStatus(deps, command.id, "running", {}, known);
  try {
    return await setCommandStatus(deps, command.id, "completed", { result: await action() }, known);
  } catch (error) {
    await setCommandStatus(deps, command.id, "failed", { error: (error as Error).message }, known);
    throw error;
  }
}

/** A prompt for the agent. Queued behind the running turn if the agent is busy; acknowledged once accepted. */
export async function sendAgentCommand(deps: Pick<AgentCommandDeps, "prisma" | "control" | "agents" | "forwarding">, input: { agentId: string; text: string; idempotencyKey?: string | undefined; issuedBy?: string | undefined }): Promise<CommandDto> {
  const local = deps.agents.find(input.agentId);
  if (local && COMMANDABLE_AGENT_STATUSES.has(local.status)) return sendToRunningAgent(deps, local, input);
  const agent = await deps.prisma.agent.findUnique({ where: { id: input.agentId } });
  if (!agent) throw notFound("agent", input.agentId);
  assertDriven(agent);
  // The command row is made where the agent runs, so an idempotent retry through any replica finds it.
  const forwarded = await onOwningReplica(deps, input.agentId, "command", input);
  if (forwarded) return forwarded.value as CommandDto;
  const { command, existing } = await createCommand(deps, { agentId: input.agentId, kind: "prompt", input: { text: input.text }, idempotencyKey: input.idempotencyKey, issuedBy: input.issuedBy });
  if (existing) return command;
  const runtime = deps.agents.find(input.agentId);
  if (!runtime || !COMMANDABLE_AGENT_STATUSES.has(runtime.status)) return refuseNotCommandable(deps, command.id, agent.name, runtime?.status ?? agent.status);
  const accepted = await setCommandStatus(deps, command.id, "accepted");
  runtime.enqueue({ commandId: command.id, text: input.text });
  return accepted;
}

/** A prompt stored for an agent that does not take prompts (now): the command fails with the reason, a 409 says it. */
async function refuseNotCommandable(deps: Pick<AgentCommandDeps, "prisma" | "control">, commandId: string, agentName: string, status: string, known: { sessionId?: string } = {}): Promise<never> {
  const reason = `agent ${agentName} is ${status}; resume it first`;
  await setCommandStatus(deps, commandId, "failed", { error: reason }, known);
  throw new DomainError("ILLEGAL_STATE", reason, { status, commandId });
}

/**
 * The common case, kept to one write: the agent runs here and takes prompts, so it exists, is driven and its
 * session is known — the row is stored already accepted, without the lookups and the second write of the general path.
 */
async function sendToRunningAgent(deps: Pick<AgentCommandDeps, "prisma" | "control">, runtime: AgentRuntime, input: Parameters<typeof sendAgentCommand>[1]): Promise<CommandDto> {
  const { command, existing } = await createCommand(deps, {
    agentId: input.agentId,
    kind: "prompt",
    input: { text: input.text },
    idempotencyKey: input.idempotencyKey,
    issuedBy: input.issuedBy,
    accepted: true,
    sessionId: runtime.sessionId,
  });
  if (existing) return command;
  // It stopped while the row was written: the command fails with the reason, as on the general path.
  if (!COMMANDABLE_AGENT_STATUSES.has(runtime.status)) return refuseNotCommandable(deps, command.id, runtime.agentId, runtime.status, { sessionId: runtime.sessionId });
  runtime.enqueue({ commandId: command.id, text: input.text });
  return command;
}

export async function interruptAgent(deps: Pick<AgentCommandDeps, "prisma" | "control" | "agents" | "forwarding">, input: { agentId: string; idempotencyKey?: string | undefined; issuedBy?: string | undefined }): Promise<CommandDto> {
  await assertDrivenAgent(deps, input.agentId);
  const forwarded = await onOwningReplica(deps, input.agentId, "interrupt", input);
  if (forwarded) return forwarded.value as CommandDto;
  return runControlCommand(deps, { agentId: input.agentId, kind: "interrupt", input: {}, idempotencyKey: input.idempotencyKey, issuedBy: input.issuedBy }, () =>
    deps.agents.get(input.agentId).interruptAndConfirm(),
  );
}

export async function stopAgent(deps: Pick<AgentCommandDeps, "prisma" | "control" | "agents" | "forwarding">, input: { agentId: string; idempotencyKey?: string | undefined; issuedBy?: string | undefined }): Promise<CommandDto> {
  await assertDrivenAgent(deps, input.agentId);
  const forwarded = await onOwningReplica(deps, input.agentId, "stop", input);
  if (forwarded) return forwarded.value as CommandDto;
  return runControlCommand(deps, { agentId: input.agentId, kind: "stop", input: {}, idempotencyKey: input.idempotencyKey, issuedBy: input.issuedBy }, async () => {
    await deps.agents.stop(input.agentId);
    return "stopped";
  });
}

/** Starts a stopped, failed or lost agent again, resuming its external session where the driver can. */
export async function resumeAgent(deps: Pick<AgentCommandDeps, "prisma" | "agents">, input: { agentId: string }) {
  const agent = await deps.prisma.agent.findUnique({ where: { id: input.agentId }, include: { session: { select: { status: true } } } });
  if (!agent) throw notFound("agent", input.agentId);
  assertDriven(agent);
  if (agent.session.status === "archived") throw new DomainError("ILLEGAL_STATE", `agent ${agent.name} belongs to an archived session`);
  if (!RESUMABLE_AGENT_STATUSES.has(agent.status as AgentStatus)) throw new DomainError("ILLEGAL_STATE", `agent ${agent.name} is ${agent.status}, not stopped, failed or lost`);
  await deps.agents.launch(input.agentId, { resume: true });
  return agentDto(await deps.prisma.agent.findUniqueOrThrow({ where: { id: input.agentId } }));
}

export async function respondToPermission(deps: Pick<AgentCommandDeps, "prisma" | "control" | "permissions">, input: { requestId: string; answer: OperatorAnswer; idempotencyKey?: string | undefined; issuedBy?: string | undefined }) {
  const request = await deps.permissions.get(input.requestId);
  const command = await runControlCommand(
    deps,
    { agentId: request.agentId, kind: "permission", input: { requestId: input.requestId, answer: input.answer }, idempotencyKey: input.idempotencyKey, issuedBy: input.issuedBy },
    async () => (await deps.permissions.respond({ id: input.requestId, answer: input.answer, answeredBy: input.issuedBy })).status,
  );
  // Also right for a retried (idempotent) answer: the request as it stands now.
  return { command, permission: await deps.permissions.get(input.requestId) };
}

/** Sets or removes each limit: a number sets it, null removes it, undefined keeps it. */
export async function setAgentBudget(deps: Pick<AgentCommandDeps, "prisma" | "control" | "agents" | "forwarding">, input: { agentId: string; usd?: number | null | undefined; tokens?: number | null | undefined }): Promise<AgentDto> {
  // Stored and applied where the agent runs (a paused agent under its new limit goes back to work there).
  const forwarded = await onOwningReplica(deps, input.agentId, "budget", input);
  if (forwarded) return forwarded.value as AgentDto;
  const data = { ...(input.usd !== undefined ? { budgetUsd: input.usd } : {}), ...(input.tokens !== undefined ? { budgetTokens: input.tokens } : {}) };
  const row = await deps.prisma.agent.update({ where: { id: input.agentId }, data }).catch(() => null);
  if (!row) throw notFound("agent", input.agentId);
  await deps.agents.find(input.agentId)?.updateBudget({ usd: row.budgetUsd, tokens: row.budgetTokens });
  const dto = agentDto(await deps.prisma.agent.findUniqueOrThrow({ where: { id: input.agentId } }));
  deps.control.publish({ entity: "agent", id: dto.id, sessionId: dto.sessionId, action: "updated", status: dto.status, data: dto });
  return dto;
}

export async function setAgentMode(deps: Pick<AgentCommandDeps, "prisma" | "control" | "agents" | "forwarding">, input: { agentId: string; mode: string; idempotencyKey?: string | undefined; issuedBy?: string | undefined }): Promise<CommandDto> {
  await assertDrivenAgent(deps, input.agentId);
  const forwarded = await onOwningReplica(deps, input.agentId, "mode", input);
  if (forwarded) return forwarded.value as CommandDto;
  return runControlCommand(deps, { agentId: input.agentId, kind: "mode", input: { mode: input.mode }, idempotencyKey: input.idempotencyKey, issuedBy: input.issuedBy }, async () => {
    await deps.agents.get(input.agentId).setMode(input.mode);
    return `mode ${input.mode}`;
  });
}

/** An agent's commands, newest first: prompts, interrupts, stops, permission answers and mode changes. */
export async function listAgentCommands(deps: Pick<AgentCommandDeps, "prisma">, input: { agentId: string; limit: number; before?: string | undefined }) {
  const rows = await deps.prisma.command.findMany({
    where: { agentId: input.agentId, ...(input.before ? { createdAt: { lt: new Date(input.before) } } : {}) },
    orderBy: { createdAt: "desc" },
    take: input.limit,
  });
  return rows.map(commandDto);
}

/**
 * A call another replica forwarded here (this replica runs the agent): run as if it had been sent here, never
 * forwarded again.
 */
export async function runForwardedCall(
  deps: Omit<AgentCommandDeps, "forwarding"> & { runners: Pick<RunnerHub, "reportHere"> | null },
  kind: ForwardedKind,
  input: Record<string, unknown>,
): Promise<unknown> {
  const local = { ...deps, forwarding: undefined };
  switch (kind) {
    case "command":
      return sendAgentCommand(local, input as Parameters<typeof sendAgentCommand>[1]);
    case "interrupt":
      return interruptAgent(local, input as Parameters<typeof interruptAgent>[1]);
    case "stop":
      return stopAgent(local, input as Parameters<typeof stopAgent>[1]);
    case "mode":
      return setAgentMode(local, input as Parameters<typeof setAgentMode>[1]);
    case "budget":
      return setAgentBudget(local, input as Parameters<typeof setAgentBudget>[1]);
    case "report": {
      const { runnerId, report } = input as { runnerId: string; report: RunnerReport };
      if (!deps.runners) throw new DomainError("NOT_FOUND", "this replica takes no runners", { agentId: report.agentId });
      deps.runners.reportHere(runnerId, report);
      return null;
    }
  }
}
