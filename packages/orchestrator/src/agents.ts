import { background, DomainError, newId, notFound } from "@rozet/vocabulary";
import type { Stores } from "./deps.ts";
import type { AgentRegistry } from "./runtime/registry.ts";
import type { RunnerHub } from "./runners/runner-hub.ts";
import { agentDto } from "./dto.ts";
import { getSession, requireSession } from "./sessions.ts";

export const agentDrivers = ["claude", "acp", "shell", "external"] as const;

/** Creating an agent stores it, publishes it and starts it in the background (failures go to the log). */
export interface AgentDeps extends Pick<Stores, "prisma" | "control" | "log"> {
  agents: Pick<AgentRegistry, "launch">;
  /** Remote runners, if this control room takes them (null: the SQLite store). */
  runners?: RunnerHub | null | undefined;
}

export async function createAgent(
  deps: AgentDeps,
  input: {
    /** Chosen by the caller when it must know the id before the agent starts (a planner's tools are keyed by it). */
    id?: string | undefined;
    sessionId: string;
    name: string;
    driver: (typeof agentDrivers)[number];
    model?: string | undefined;
    config?: Record<string, unknown> | undefined;
    budgetUsd?: number | undefined;
    budgetTokens?: number | undefined;
    /** Run on a runner with this label (`rozet runner --label`), not on the server. */
    runnerLabel?: string | undefined;
  },
) {
  if (input.driver === "shell" && input.config?.readOnly === true) {
    // A shell agent asks for nothing before it runs a line: nothing could hold it to reading.
    throw new DomainError("INVALID_INPUT", "config.readOnly: a shell agent cannot be made read-only (any command line may write)", { field: "config" });
  }
  // The session first: an id that names nothing is a 404 whatever else the input asks for.
  const session = await getSession(deps, { id: input.sessionId });
  if (session.status === "archived") throw new DomainError("ILLEGAL_STATE", `session ${session.id} is archived`);
  if (input.runnerLabel !== undefined && !deps.runners) {
    throw new DomainError("ILLEGAL_STATE", "runnerLabel: this control room takes no runners; runners need the Postgres store (ROZET_DATABASE_URL=postgres://…)", { field: "runnerLabel" });
  }
  const clash = await deps.prisma.agent.findFirst({ where: { sessionId: input.sessionId, name: input.name } });
  if (clash) throw new DomainError("CONFLICT", `session already has an agent named ${input.name}`, { field: "name" });
  const row = await deps.prisma.agent.create({
    data: {
      id: input.id ?? newId(),
      sessionId: input.sessionId,
      name: input.name,
      driver: input.driver,
      model: input.model ?? null,
      // External agents report in through hooks; ours start now and leave `starting` when their driver is up.
      status: input.driver === "external" ? "idle" : "starting",
      config: JSON.stringify(input.runnerLabel === undefined ? (input.config ?? {}) : { ...input.config, runnerLabel: input.runnerLabel }),
      budgetUsd: input.budgetUsd ?? null,
      budgetTokens: input.budgetTokens ?? null,
    },
  });
  const dto = agentDto(row);
  deps.control.publish({ entity: "agent", id: row.id, sessionId: row.sessionId, action: "created", status: row.status, data: dto });
  if (input.driver !== "external") {
    // Starting takes a while (a process, a handshake); the caller follows it on control.onUpdate. A refused
    // start leaves the agent failed with the reason (see AgentRegistry.launch); here it is only logged.
    background(deps.log, `start agent ${row.id}`, () => deps.agents.launch(row.id));
  }
  return dto;
}

export async function listAgents(deps: Pick<AgentDeps, "prisma">, input: { sessionId: string }) {
  await requireSession(deps, input.sessionId);
  const rows = await deps.prisma.agent.findMany({ where: { sessionId: input.sessionId }, orderBy: { createdAt: "asc" } });
  return rows.map(agentDto);
}

export async function getAgent(deps: Pick<AgentDeps, "prisma">, input: { id: string }) {
  const row = await deps.prisma.agent.findUnique({ where: { id: input.id } });
  if (!row) throw notFound("agent", input.id);
  return agentDto(row);
}
