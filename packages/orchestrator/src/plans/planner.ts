import { background, errorMessage, FINISHED_PLAN_STATUSES, newId, proposalSchema, proposalShape } from "@rozet/vocabulary";
import { z } from "zod";
import { createAgent } from "../agents.ts";
import type { ControlMessage } from "../control-feed.ts";
import type { Stores } from "../deps.ts";
import type { ControlRoomTool } from "../runtime/driver.ts";
import type { AgentRegistry } from "../runtime/registry.ts";
import { sendAgentCommand } from "../runtime/agent-commands.ts";
import { recordEvent } from "../timeline.ts";
import { nextControlUpdate } from "./control-waits.ts";
import type { PlanDto, PlanRefusal } from "./plan-dto.ts";
import { loadPlan, savePlan, type PlanQueue } from "./plan-store.ts";
import { validateProposal } from "./plan-validation.ts";
import { plannerPrompt, proposalInText, refusalPrompt, SUBMIT_PLAN_TOOL, type ReplanContext } from "./planner-prompt.ts";

export interface PlannerDeps extends Pick<Stores, "prisma" | "control" | "writer" | "log" | "bus"> {
  agents: Pick<AgentRegistry, "launch" | "find" | "get" | "stop">;
  queue: PlanQueue;
  /** Approves a proposal at once (sessions with `autoApprovePlans`); bound late, the coordinator calls back here to replan. */
  approve: (planId: string, by: string) => Promise<unknown>;
}

/** What a submission came to, as the planner is told. */
type Outcome = { text: string; isError?: boolean; settled: boolean };

/**
 * Runs planner agents: one read-only agent per planning round, started in the session workspace with the
 * `submit_plan` tool, prompted with the goal, and stopped once the round is settled. A proposal is validated
 * (shape, keys, dependencies, cycles, budget); an invalid one goes back to the planner with the reason, up to
 * the plan's `maxRefusals` times, after which the plan fails with the reasons. A valid one makes the plan a
 * draft for the operator (or approves it, with the session's `autoApprovePlans`).
 */
export class Planner {
  /** The tools of planner agents that are running, by agent id (the registry hands them to the driver). */
  private readonly tools = new Map<string, readonly ControlRoomTool[]>();
  /** Set when the server shuts down: rounds cut short by it are not failures of their plans. */
  private closing = false;

  constructor(private readonly deps: PlannerDeps) {}

  toolsFor(agentId: string): readonly ControlRoomTool[] | undefined {
    return this.tools.get(agentId);
  }

  /** Starts a planning round in the background; a failure fails the plan with the reason. */
  start(planId: string, replan?: ReplanContext): void {
    background(this.deps.log, `plan ${planId}: planning`, async () => {
      try {
        await this.round(planId, replan);
      } catch (error) {
        if (this.closing) return;
        await this.deps.queue.run(planId, () => this.fail(planId, `planner failed: ${errorMessage(error)}`));
      }
    });
  }

  /** The server is shutting down (its agents are being stopped): planning rounds end without failing their plans. */
  close(): void {
    this.closing = true;
  }

  /** Stops the planner agent of a plan's current round, if it still runs (the round then ends). */
  async stopPlanner(plan: PlanDto): Promise<void> {
    if (plan.plannerAgentId) await this.deps.agents.find(plan.plannerAgentId)?.stop("plan cancelled");
  }

  private async round(planId: string, replan: ReplanContext | undefined): Promise<void> {
    const plan = await loadPlan(this.deps, planId);
    const agentId = newId();
    this.tools.set(agentId, [this.submitTool(planId)]);
    try {
      await this.startAgent(plan, agentId);
      await this.deps.queue.run(planId, () => savePlan(this.deps, planId, { plannerAgentId: agentId }));
      let prompt = plannerPrompt(plan, replan);
      for (;;) {
        const turn = await this.turn(agentId, prompt);
        const outcome = await this.deps.queue.run(planId, async () => {
          const current = await loadPlan(this.deps, planId);
          if (current.status !== "planning") return { settled: true, text: "" };
          if (turn.status !== "completed") return this.fail(planId, `planner turn ${turn.status}: ${turn.error ?? "no reason given"}`);
          const json = proposalInText(turn.result);
          return json === undefined ? this.refuse(current, `no plan was submitted: call ${SUBMIT_PLAN_TOOL} with the plan`) : this.consider(current, json);
        });
        if (outcome.settled) return;
        prompt = outcome.text;
      }
    } finally {
      this.tools.delete(agentId);
      const runtime = this.deps.agents.find(agentId);
      if (runtime && !this.closing && !["stopped", "failed", "lost", "stopping"].includes(runtime.status)) await runtime.stop("planning finished");
    }
  }

  /** Creates the planner agent (read-only) and waits until it can take a prompt. */
  private async startAgent(plan: PlanDto, agentId: string): Promise<void> {
    const profile = plan.plannerProfile;
    const ready = nextControlUpdate(this.deps.bus, (update) => {
      if (update.entity !== "agent" || update.id !== agentId) return undefined;
      if (update.status === "idle") return true;
      if (update.status === "failed" || update.status === "stopped") throw new Error(`planner agent ${update.status}: ${update.data?.lastError ?? "no reason given"}`);
      return undefined;
    });
    try {
      await createAgent(this.deps, {
        id: agentId,
        sessionId: plan.sessionId,
        name: `planner-${plan.id.slice(0, 8)}-${plan.round}`,
        driver: profile.driver,
        model: profile.model,
        // Read-only whatever the driver: Claude loses its writing tools; every agent's requests to write or run
        // something are refused by the runtime (and an ACP agent's file writes through us by its driver).
        config: { ...profile.config, readOnly: true },
      });
      await ready.result;
    } finally {
      ready.cancel();
    }
  }

  /** One prompt to the planner; resolves with the command's outcome once its turn is over. */
  private async turn(agentId: string, text: string): Promise<{ status: string; result: string | null; error: string | null }> {
    const finished = new Map<string, { status: string; result: string | null; error: string | null }>();
    let commandId: string | undefined;
    let resolveTurn: (value: { status: string; result: string | null; error: string | null }) => void = () => {};
    const done = new Promise<{ status: string; result: string | null; error: string | null }>((resolve) => (resolveTurn = resolve));
    // Listening before the prompt is sent: a short turn cannot end unseen.
    const unsubscribe = this.deps.bus.subscribe("control", ({ update }) => {
      const message = update as ControlMessage;
      if (message.entity !== "command" || !message.data || message.data.agentId !== agentId) return;
      if (!["completed", "failed", "cancelled"].includes(message.data.status)) return;
      const outcome = { status: message.data.status, result: message.data.result, error: message.data.error };
      if (message.id === commandId) resolveTurn(outcome);
      else finished.set(message.id, outcome);
    });
    try {
      const command = await sendAgentCommand(this.deps, { agentId, text, issuedBy: "planner" });
      commandId = command.id;
      const early = finished.get(command.id);
      if (early) return early;
      return await done;
    } finally {
      unsubscribe();
    }
  }

  private submitTool(planId: string): ControlRoomTool {
    return {
      name: SUBMIT_PLAN_TOOL,
      description: "Submit the plan: the tasks that reach the goal, with their dependencies (by key), budgets and the files or areas each touches. Answers whether it was accepted, or why not.",
      inputShape: proposalShape,
      run: (input) =>
        this.deps.queue.run(planId, async () => {
          const plan = await loadPlan(this.deps, planId);
          if (plan.status !== "planning") return { text: `the plan is ${plan.status}; nothing more is taken`, isError: true };
          return this.consider(plan, input);
        }),
    };
  }

  /** A submission: accepted as the draft, or refused back with the reason. Runs in the plan's queue. */
  private async consider(plan: PlanDto, input: unknown): Promise<Outcome> {
    const parsed = proposalSchema.safeParse(input);
    if (!parsed.success) return this.refuse(plan, `the plan does not have the expected shape: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
    const verdict = validateProposal(parsed.data.tasks, plan.budgetUsd);
    if (!verdict.ok) return this.refuse(plan, verdict.reason);
    const saved = await savePlan(this.deps, plan.id, { status: "draft", tasks: JSON.stringify(verdict.tasks) });
    await recordEvent(this.deps, { sessionId: plan.sessionId, type: "plan.proposed", summary: `${verdict.tasks.length} tasks proposed`, payload: { planId: plan.id, tasks: verdict.tasks.length, round: plan.round } });
    const session = await this.deps.prisma.session.findUnique({ where: { id: plan.sessionId }, select: { autoApprovePlans: true } });
    if (session?.autoApprovePlans) {
      background(this.deps.log, `plan ${plan.id}: approve`, () => this.deps.approve(saved.id, "autoApprovePlans"));
    }
    return { settled: true, text: `Plan accepted: ${verdict.tasks.length} tasks. ${session?.autoApprovePlans ? "It starts now." : "The operator reviews it before it runs."} Your work is done; end your turn.` };
  }

  private async refuse(plan: PlanDto, reason: string): Promise<Outcome> {
    const refusals: PlanRefusal[] = [...plan.refusals, { at: new Date().toISOString(), round: plan.round, reason }];
    const thisRound = refusals.filter((r) => r.round === plan.round).length;
    // `maxRefusals` refusals go back to the planner; the next invalid proposal fails the plan.
    const attemptsLeft = plan.maxRefusals - thisRound + 1;
    if (attemptsLeft <= 0) {
      await savePlan(this.deps, plan.id, { refusals: JSON.stringify(refusals) });
      const reasons = refusals.filter((r) => r.round === plan.round).map((r) => r.reason);
      await this.fail(plan.id, `no valid plan after ${plan.maxRefusals} refusals: ${reasons.join(" | ")}`);
      return { settled: true, isError: true, text: `Refused: ${reason}. No attempts left: the plan failed.` };
    }
    await savePlan(this.deps, plan.id, { refusals: JSON.stringify(refusals) });
    await recordEvent(this.deps, { sessionId: plan.sessionId, type: "plan.refused", status: "refused", summary: reason, payload: { planId: plan.id, reason, attempt: thisRound, attemptsLeft } });
    return { settled: false, isError: true, text: refusalPrompt(reason, attemptsLeft) };
  }

  /** Ends the plan as failed with the reason (from any state but a finished one). Runs in the plan's queue. */
  private async fail(planId: string, reason: string): Promise<Outcome> {
    const plan = await loadPlan(this.deps, planId);
    if (FINISHED_PLAN_STATUSES.has(plan.status)) return { settled: true, text: "" };
    await recordEvent(this.deps, { sessionId: plan.sessionId, type: "plan.finished", status: "failed", summary: `plan failed: ${reason}`, payload: { planId, error: reason } });
    await savePlan(this.deps, planId, { status: "failed", error: reason, finishedAt: new Date() });
    return { settled: true, text: reason };
  }
}
