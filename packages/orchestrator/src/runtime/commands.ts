import { DomainError, newId } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";
import { commandDto, type CommandDto, type CommandStatus } from "../dto.ts";

/** Command rows are stored and published: the database and the control feed. */
export type CommandDeps = Pick<Stores, "prisma" | "control">;

type NewCommand = {
  agentId: string;
  kind: CommandDto["kind"];
  input: Record<string, unknown>;
  idempotencyKey?: string | undefined;
  taskId?: string | undefined;
  /** Who sent it: `token:<name>` for API calls, `task:<id>` for task runs. */
  issuedBy?: string | undefined;
  /** Stored already accepted (the agent is known to take it): one write instead of two. */
  accepted?: boolean;
  /** The agent's session when the caller knows it: the row is written without a join to find it. */
  sessionId?: string | undefined;
};

/**
 * Command rows: queued → accepted → running → completed | failed | cancelled, each step stored and published.
 * An idempotency key belongs to one agent and one kind of command: an identical retry returns the first command
 * (`existing`), the same key with different input is a CONFLICT.
 */
export async function createCommand(deps: CommandDeps, input: NewCommand): Promise<{ command: CommandDto; existing: boolean }> {
  const stored = JSON.stringify(input.input);
  if (input.idempotencyKey) {
    const earlier = await findByKey(deps, input, input.idempotencyKey);
    if (earlier) return { command: sameCommandOrConflict(earlier, stored), existing: true };
  }
  // Accepted at the instant it is created (the latency metrics measure from createdAt).
  const now = new Date();
  const data = {
    id: newId(),
    agentId: input.agentId,
    kind: input.kind,
    input: stored,
    idempotencyKey: input.idempotencyKey ?? null,
    taskId: input.taskId ?? null,
    issuedBy: input.issuedBy ?? null,
    createdAt: now,
    ...(input.accepted ? { status: "accepted", acceptedAt: now } : {}),
  };
  let created: { dto: CommandDto; sessionId: string };
  try {
    // A known session saves the join (the INSERT alone): prompts to a running agent are on the acknowledgement path.
    const sessionId = input.sessionId;
    created = sessionId
      ? { dto: commandDto(await deps.prisma.command.create({ data })), sessionId }
      : await deps.prisma.command.create({ data, include: withSession }).then((row) => ({ dto: commandDto(row), sessionId: row.agent.sessionId }));
  } catch (error) {
    // Two requests with the same key at once: the unique index lets one in; the other answers like a retry.
    const earlier = input.idempotencyKey && isUniqueViolation(error) ? await findByKey(deps, input, input.idempotencyKey) : null;
    if (!earlier) throw error;
    return { command: sameCommandOrConflict(earlier, stored), existing: true };
  }
  publishCommand(deps, created.dto, created.sessionId, "created");
  return { command: created.dto, existing: false };
}

function findByKey(deps: CommandDeps, input: NewCommand, idempotencyKey: string) {
  return deps.prisma.command.findFirst({ where: { agentId: input.agentId, kind: input.kind, idempotencyKey } });
}

function sameCommandOrConflict(earlier: Parameters<typeof commandDto>[0], storedInput: string): CommandDto {
  if (earlier.input !== storedInput) {
    throw new DomainError("CONFLICT", `idempotencyKey ${earlier.idempotencyKey} was already used for a different ${earlier.kind} command on this agent`, {
      field: "idempotencyKey",
      commandId: earlier.id,
    });
  }
  return commandDto(earlier);
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === "P2002";
}

const timestampFor: Partial<Record<CommandStatus, "acceptedAt" | "startedAt" | "finishedAt">> = {
  accepted: "acceptedAt",
  running: "startedAt",
  completed: "finishedAt",
  failed: "finishedAt",
  cancelled: "finishedAt",
};

export async function setCommandStatus(
  deps: CommandDeps,
  id: string,
  status: CommandStatus,
  outcome: { result?: string | undefined; error?: string | undefined } = {},
  /** The command's session when the caller knows it (an agent's runtime does): the update needs no join. */
  known: { sessionId?: string | undefined } = {},
): Promise<CommandDto> {
  const stamp = timestampFor[status];
  const data = { status, ...(stamp ? { [stamp]: new Date() } : {}), ...(outcome.result !== undefined ? { result: outcome.result } : {}), ...(outcome.error !== undefined ? { error: outcome.error } : {}) };
  const { dto, sessionId } = known.sessionId
    ? { dto: commandDto(await deps.prisma.command.update({ where: { id }, data })), sessionId: known.sessionId }
    : await deps.prisma.command.update({ where: { id }, data, include: withSession }).then((row) => ({ dto: commandDto(row), sessionId: row.agent.sessionId }));
  publishCommand(deps, dto, sessionId, "updated");
  return dto;
}

// The session a command belongs to comes with the write (one query, not a second lookup): commands are on the
// acknowledgement path of every prompt, where each round trip to the database shows.
const withSession = { agent: { select: { sessionId: true } } } as const;

function publishCommand(deps: CommandDeps, command: CommandDto, sessionId: string, action: "created" | "updated") {
  deps.control.publish({ entity: "command", id: command.id, sessionId, action, status: command.status, data: command });
}

export const FINISHED_COMMAND_STATUSES: ReadonlySet<CommandStatus> = new Set(["completed", "failed", "cancelled"]);
