import { background, describePermissionRule, DomainError, newId, notFound } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";
import { permissionDto, permissionRuleDto, type PermissionDto, type PermissionRuleDto } from "../dto.ts";
import { recordEvent } from "../timeline.ts";
import type { PermissionDecision, PermissionRequest } from "./driver.ts";
import { decideByRules } from "./permission-rules.ts";

export type OperatorAnswer =
  | { behavior: "allow"; updatedInput?: Record<string, unknown> | undefined; forSession?: boolean | undefined }
  | { behavior: "deny"; message?: string | undefined; interrupt?: boolean | undefined };

export interface PermissionBrokerDeps extends Pick<Stores, "prisma" | "control" | "writer" | "log" | "replicas" | "leases"> {
  /** An unanswered request is denied after this long. */
  timeoutMs: number;
  /** The clock a request's expiry is stamped from (Date.now unless a test moves time). */
  now?: () => number;
}

interface Pending {
  resolve: (decision: PermissionDecision) => void;
  timer: NodeJS.Timeout;
  cleanup: () => void;
}

/**
 * One queue of permission requests across every agent of every session. Rules answer first; otherwise the
 * operator does (API or page), or the timeout denies. Every answer is stored with who gave it, and put on the
 * timeline, so the PermissionRequest table is also the audit log.
 *
 * Across replicas (Postgres) the waiting agent lives on one replica and the answer may come to another: every answer
 * (operator, rule, timeout, withdrawal) claims the row while it is still pending, so exactly one wins; the answering
 * replica stores and announces it, and the agent's replica hands the stored decision to the agent.
 */
export class PermissionBroker {
  private readonly pending = new Map<string, Pending>();
  private readonly rulesBySession = new Map<string, PermissionRuleDto[]>();

  constructor(private readonly deps: PermissionBrokerDeps) {
    deps.replicas.on("permission.answered", ({ id }) => this.takeStoredAnswer(id));
    deps.replicas.on("permission.rules", ({ sessionId }) => this.rulesBySession.delete(sessionId));
    // Cut off for a while: answers and rule changes announced meanwhile reached nobody here.
    deps.replicas.onResync(() => {
      this.rulesBySession.clear();
      for (const id of this.pending.keys()) this.takeStoredAnswer(id);
    });
  }

  /** An answer stored by another replica for a request an agent here waits for. */
  private takeStoredAnswer(id: string): void {
    if (!this.pending.has(id)) return;
    background(this.deps.log, `hand over the answer to permission request ${id}`, async () => {
      const row = await this.deps.prisma.permissionRequest.findUnique({ where: { id } });
      if (!row || row.status === "pending") return;
      this.release(id)?.resolve(row.decision ? (JSON.parse(row.decision) as PermissionDecision) : { behavior: "deny", message: `request ${row.status}` });
    });
  }

  private release(id: string): Pending | undefined {
    const pending = this.pending.get(id);
    if (pending) {
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.cleanup();
    }
    return pending;
  }

  /** Requests left pending by a previous server process can never be answered: close them (not other replicas'). */
  async closeOrphans(): Promise<void> {
    const waiting = await this.deps.prisma.permissionRequest.findMany({ where: { status: "pending" }, select: { agentId: true }, distinct: ["agentId"] });
    const running = await this.deps.leases.heldElsewhere(waiting.map((r) => r.agentId));
    await this.deps.prisma.permissionRequest.updateMany({
      where: { status: "pending", agentId: { notIn: [...running] } },
      data: { status: "cancelled", answeredBy: "restart", answeredAt: new Date() },
    });
  }

  async request(opts: {
    sessionId: string;
    agentId: string;
    commandId: string | null;
    request: PermissionRequest;
    signal: AbortSignal;
    /**
     * Called when the operator must answer (not for rule answers), and awaited before the request is announced:
     * whoever sees a pending request sees its agent waiting for it.
     */
    onWaiting?: () => void | Promise<void>;
    /**
     * Refused before rules or the operator are asked (a read-only agent's write): stored as denied by `answeredBy`
     * and put on the timeline with the reason, like a rule's answer.
     */
    refusal?: { answeredBy: string; reason: string } | undefined;
  }): Promise<PermissionDecision> {
    const { request } = opts;
    const rule = opts.refusal ? null : decideByRules(await this.rules(opts.sessionId), request.toolName, request.input);
    const row = await this.deps.prisma.permissionRequest.create({
      data: {
        id: newId(),
        sessionId: opts.sessionId,
        agentId: opts.agentId,
        commandId: opts.commandId,
        toolName: request.toolName,
        input: JSON.stringify(request.input),
        toolUseId: request.toolUseId ?? null,
        reason: request.reason ?? null,
        expiresAt: new Date((this.deps.now ?? Date.now)() + this.deps.timeoutMs),
      },
    });
    if (opts.refusal) {
      const decision: PermissionDecision = { behavior: "deny", message: `${request.toolName} refused: ${opts.refusal.reason}` };
      await this.finish(row.id, decision, opts.refusal.answeredBy, "denied", `the read-only guard (${opts.refusal.reason})`);
      return decision;
    }
    if (rule && rule.action !== "ask") {
      const decision: PermissionDecision =
        rule.action === "allow" ? { behavior: "allow", updatedInput: request.input } : { behavior: "deny", message: `denied by rule ${rule.tool} ${rule.pattern ?? "*"}` };
      await this.finish(row.id, decision, `rule:${rule.id}`, undefined, `rule “${describePermissionRule(rule)}”`);
      return decision;
    }
    // Answerable from the moment anyone can see it (the row is listed, the update below goes out): registered
    // before any further await, so a quick answer never finds it "not pending".
    const onAbort = () => background(this.deps.log, `withdraw permission request ${row.id}`, () => this.settleUnlessAnswered(row.id, { behavior: "deny", message: "request withdrawn" }, "agent", "cancelled"));
    const decided = new Promise<PermissionDecision>((resolve) => {
      const timer = setTimeout(
        () =>
          background(this.deps.log, `time out permission request ${row.id}`, () =>
            this.settleUnlessAnswered(row.id, { behavior: "deny", message: `no answer within ${Math.round(this.deps.timeoutMs / 1000)} s` }, "timeout", "timed_out"),
          ),
        this.deps.timeoutMs,
      );
      timer.unref();
      opts.signal.addEventListener("abort", onAbort, { once: true });
      this.pending.set(row.id, { resolve, timer, cleanup: () => opts.signal.removeEventListener("abort", onAbort) });
    });
    await opts.onWaiting?.();
    const dto = permissionDto(row);
    this.deps.control.publish({ entity: "permission", id: row.id, sessionId: row.sessionId, action: "created", status: "pending", data: dto });
    await recordEvent(this.deps, {
      sessionId: row.sessionId,
      agentId: row.agentId,
      commandId: row.commandId ?? undefined,
      type: "permission.requested",
      summary: `${request.toolName} wants permission${request.reason ? `: ${request.reason}` : ""}`,
      status: "pending",
      payload: { ...dto, extra: request.extra ?? null },
    });
    if (opts.signal.aborted) onAbort();
    return decided;
  }

  /** The operator's answer (the agent may wait on this replica or another). */
  async respond(input: { id: string; answer: OperatorAnswer; answeredBy?: string | undefined }): Promise<PermissionDto> {
    const row = await this.deps.prisma.permissionRequest.findUnique({ where: { id: input.id } });
    if (!row) throw notFound("permission request", input.id);
    if (row.status !== "pending") throw alreadyAnswered(row);
    const answer = input.answer;
    if (answer.behavior === "allow" && answer.forSession) {
      await this.addRule({ sessionId: row.sessionId, tool: row.toolName, pattern: null, action: "allow", createdBy: `allow-for-session:${row.id}` });
    }
    const decision: PermissionDecision =
      answer.behavior === "allow"
        ? { behavior: "allow", updatedInput: answer.updatedInput ?? (JSON.parse(row.input) as Record<string, unknown>) }
        : { behavior: "deny", message: answer.message ?? "denied by the operator", interrupt: answer.interrupt };
    return this.settle(input.id, decision, input.answeredBy ?? "operator", answer.behavior === "allow" ? "allowed" : "denied");
  }

  private async settle(id: string, decision: PermissionDecision, answeredBy: string, status: "allowed" | "denied" | "timed_out" | "cancelled") {
    let dto: PermissionDto;
    try {
      dto = await this.finish(id, decision, answeredBy, status);
    } catch (error) {
      // Answered first elsewhere (another replica, or its timeout): the agent here gets that answer.
      if (error instanceof DomainError && error.code === "ILLEGAL_STATE") this.takeStoredAnswer(id);
      throw error;
    }
    const pending = this.release(id);
    if (pending) pending.resolve(decision);
    else await this.deps.replicas.send("permission.answered", { id });
    return dto;
  }

  /** A timeout or withdrawal that lost to an answer (given on another replica) is no failure. */
  private async settleUnlessAnswered(...args: Parameters<PermissionBroker["settle"]>): Promise<void> {
    await this.settle(...args).catch((error: unknown) => {
      if (!(error instanceof DomainError && error.code === "ILLEGAL_STATE")) throw error;
    });
  }

  /**
   * Stores the answer if the request is still pending (the one check that makes answers exactly-once across
   * replicas). `answeredByText`: how the timeline names who answered (a rule by its description, not its id).
   */
  private async finish(id: string, decision: PermissionDecision, answeredBy: string, status?: string, answeredByText = answeredBy): Promise<PermissionDto> {
    const claimed = await this.deps.prisma.permissionRequest.updateMany({
      where: { id, status: "pending" },
      data: {
        status: status ?? (decision.behavior === "allow" ? "allowed" : "denied"),
        decision: JSON.stringify(decision),
        answeredBy,
        answeredAt: new Date(),
      },
    });
    const row = await this.deps.prisma.permissionRequest.findUniqueOrThrow({ where: { id } });
    if (claimed.count === 0) throw alreadyAnswered(row);
    const dto = permissionDto(row);
    this.deps.control.publish({ entity: "permission", id, sessionId: row.sessionId, action: "updated", status: dto.status, data: dto });
    await recordEvent(this.deps, {
      sessionId: row.sessionId,
      agentId: row.agentId,
      commandId: row.commandId ?? undefined,
      type: "permission.answered",
      summary: `${row.toolName}: ${dto.status} by ${answeredByText}`,
      status: dto.status,
      payload: dto,
    });
    return dto;
  }

  async get(id: string): Promise<PermissionDto> {
    const row = await this.deps.prisma.permissionRequest.findUnique({ where: { id } });
    if (!row) throw notFound("permission request", id);
    return permissionDto(row);
  }

  async list(input: { sessionId?: string | undefined; status?: string | undefined; limit: number }) {
    const rows = await this.deps.prisma.permissionRequest.findMany({
      where: { ...(input.sessionId ? { sessionId: input.sessionId } : {}), ...(input.status ? { status: input.status } : {}) },
      orderBy: { createdAt: "desc" },
      take: input.limit,
    });
    return rows.map(permissionDto);
  }

  async rules(sessionId: string): Promise<PermissionRuleDto[]> {
    let rules = this.rulesBySession.get(sessionId);
    if (!rules) {
      rules = (await this.deps.prisma.permissionRule.findMany({ where: { sessionId }, orderBy: { createdAt: "asc" } })).map(permissionRuleDto);
      this.rulesBySession.set(sessionId, rules);
    }
    return rules;
  }

  async addRule(input: { sessionId: string; tool: string; pattern: string | null; action: "allow" | "deny" | "ask"; createdBy?: string }) {
    const row = await this.deps.prisma.permissionRule.create({
      data: { id: newId(), sessionId: input.sessionId, tool: input.tool, pattern: input.pattern, action: input.action, createdBy: input.createdBy ?? "operator" },
    });
    this.rulesBySession.delete(input.sessionId);
    await this.deps.replicas.send("permission.rules", { sessionId: input.sessionId });
    return permissionRuleDto(row);
  }

  async deleteRule(input: { id: string }) {
    const row = await this.deps.prisma.permissionRule.findUnique({ where: { id: input.id } });
    if (!row) throw notFound("permission rule", input.id);
    await this.deps.prisma.permissionRule.delete({ where: { id: input.id } });
    this.rulesBySession.delete(row.sessionId);
    await this.deps.replicas.send("permission.rules", { sessionId: row.sessionId });
    return { id: input.id, deleted: true as const };
  }
}

function alreadyAnswered(row: { id: string; status: string; answeredBy: string | null }): DomainError {
  return new DomainError("ILLEGAL_STATE", `permission request ${row.id} is already ${row.status} (by ${row.answeredBy ?? "?"})`, { status: row.status });
}
