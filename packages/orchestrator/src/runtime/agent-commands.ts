import { DomainError, notFound } from "@rozet/vocabulary";
import type { ControlRoom } from "../control-room.ts";
import { agentDto, commandDto, type CommandDto } from "../dto.ts";
import { createCommand, setCommandStatus } from "./commands.ts";
import { assertDriven, assertDrivenAgent } from "./observed-agents.ts";
import type { OperatorAnswer } from "./permission-broker.ts";

/** Runs a short control command (interrupt, stop, permission answer) through the same command lifecycle. */
async function runControlCommand(
  room: ControlRoom,
  input: { agentId: string; kind: CommandDto["kind"]; input: Record<string, unknown>; idempotencyKey?: string | undefined },
  action: () => Promise<string>,
): Promise<CommandDto> {
  // An unknown agent is a 404 naming it (the command row would otherwise fail on its foreign key).
  if (!(await room.prisma.agent.findUnique({ where: { id: input.agentId }, select: { id: true } }))) throw notFound("agent", input.agentId);
  const { command, existing } = await createCommand(room, input);
  if (existing) return command;
  await setCommandStatus(room, command.id, "accepted");
  await setCommandStatus(room, command.id, "running");
  try {
    return await setCommandStatus(room, command.id, "completed", { result: await action() });
  } catch (error) {
    await setCommandStatus(room, command.id, "failed", { error: (error as Error).message });
    throw error;
  }
}

/** A prompt for the agent. Queued behind the running turn if the agent is busy; acknowledged once accepted. */
export async function sendAgentCommand(room: ControlRoom, input: { agentId: string; text: string; idempotencyKey?: string | undefined }): Promise<CommandDto> {
  const agent = await room.prisma.agent.findUnique({ where: { id: input.agentId } });
  if (!agent) throw notFound("agent", input.agentId);
  assertDriven(agent);
  const { command, existing } = await createCommand(room, { agentId: input.agentId, kind: "prompt", input: { text: input.text }, idempotencyKey: input.idempotencyKey });
  if (existing) return command;
  const runtime = room.agents.find(input.agentId);
  if (!runtime || !["starting", "idle", "busy", "waiting-for-permission", "paused"].includes(runtime.status)) {
    const reason = `agent ${agent.name} is ${runtime?.status ?? agent.status}; resume it first`;
    await setCommandStatus(room, command.id, "failed", { error: reason });
    throw new DomainError("ILLEGAL_STATE", reason, { status: runtime?.status ?? agent.status, commandId: command.id });
  }
  const accepted = await setCommandStatus(room, command.id, "accepted");
  runtime.enqueue({ commandId: command.id, text: input.text });
  return accepted;
}

export async function interruptAgent(room: ControlRoom, input: { agentId: string; idempotencyKey?: string | undefined }) {
  await assertDrivenAgent(room, input.agentId);
  return runControlCommand(room, { agentId: input.agentId, kind: "interrupt", input: {}, idempotencyKey: input.idempotencyKey }, async () =>
    (await room.agents.get(input.agentId).interrupt()) ? "interrupted the running turn" : "nothing was running",
  );
}

export async function stopAgent(room: ControlRoom, input: { agentId: string; idempotencyKey?: string | undefined }) {
  await assertDrivenAgent(room, input.agentId);
  return runControlCommand(room, { agentId: input.agentId, kind: "stop", input: {}, idempotencyKey: input.idempotencyKey }, async () => {
    await room.agents.stop(input.agentId);
    return "stopped";
  });
}

/** Starts a stopped, failed or lost agent again, resuming its external session where the driver can. */
export async function resumeAgent(room: ControlRoom, input: { agentId: string }) {
  const agent = await room.prisma.agent.findUnique({ where: { id: input.agentId }, include: { session: { select: { status: true } } } });
  if (!agent) throw notFound("agent", input.agentId);
  assertDriven(agent);
  if (agent.session.status === "archived") throw new DomainError("ILLEGAL_STATE", `agent ${agent.name} belongs to an archived session`);
  if (!["stopped", "failed", "lost"].includes(agent.status)) throw new DomainError("ILLEGAL_STATE", `agent ${agent.name} is ${agent.status}, not stopped, failed or lost`);
  await room.agents.launch(input.agentId, { resume: true });
  return agentDto(await room.prisma.agent.findUniqueOrThrow({ where: { id: input.agentId } }));
}

export async function respondToPermission(room: ControlRoom, input: { requestId: string; answer: OperatorAnswer; idempotencyKey?: string | undefined }) {
  const request = await room.permissions.get(input.requestId);
  const command = await runControlCommand(
    room,
    { agentId: request.agentId, kind: "permission", input: { requestId: input.requestId, answer: input.answer }, idempotencyKey: input.idempotencyKey },
    async () => (await room.permissions.respond({ id: input.requestId, answer: input.answer })).status,
  );
  // Also right for a retried (idempotent) answer: the request as it stands now.
  return { command, permission: await room.permissions.get(input.requestId) };
}

/** Sets or removes each limit: a number sets it, null removes it, undefined keeps it. */
export async function setAgentBudget(room: ControlRoom, input: { agentId: string; usd?: number | null | undefined; tokens?: number | null | undefined }) {
  const data = { ...(input.usd !== undefined ? { budgetUsd: input.usd } : {}), ...(input.tokens !== undefined ? { budgetTokens: input.tokens } : {}) };
  const row = await room.prisma.agent.update({ where: { id: input.agentId }, data }).catch(() => null);
  if (!row) throw notFound("agent", input.agentId);
  await room.agents.find(input.agentId)?.updateBudget({ usd: row.budgetUsd, tokens: row.budgetTokens });
  const dto = agentDto(await room.prisma.agent.findUniqueOrThrow({ where: { id: input.agentId } }));
  room.control.publish({ entity: "agent", id: dto.id, sessionId: dto.sessionId, action: "updated", status: dto.status, data: dto });
  return dto;
}

export async function setAgentMode(room: ControlRoom, input: { agentId: string; mode: string; idempotencyKey?: string | undefined }) {
  await assertDrivenAgent(room, input.agentId);
  return runControlCommand(room, { agentId: input.agentId, kind: "mode", input: { mode: input.mode }, idempotencyKey: input.idempotencyKey }, async () => {
    await room.agents.get(input.agentId).setMode(input.mode);
    return `mode ${input.mode}`;
  });
}

/** An agent's commands, newest first: prompts, interrupts, stops, permission answers and mode changes. */
export async function listAgentCommands(room: ControlRoom, input: { agentId: string; limit: number; before?: string | undefined }) {
  const rows = await room.prisma.command.findMany({
    where: { agentId: input.agentId, ...(input.before ? { createdAt: { lt: new Date(input.before) } } : {}) },
    orderBy: { createdAt: "desc" },
    take: input.limit,
  });
  return rows.map(commandDto);
}
