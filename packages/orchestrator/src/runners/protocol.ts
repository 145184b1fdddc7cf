/**
 * What the server and a runner (`rozet runner`) say to each other. Jobs go from the server to runners through the
 * durable queue; outcomes and reports come back over the server's authenticated API. The runner parses every job
 * with these schemas, the API every answer: each side checks what the other sends.
 */
import { z } from "zod";

/** A runner label: which runners may take an agent (`--label gpu`); runners without one serve `default`. */
export const runnerLabelSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "lowercase letters, digits, '-' and '_' (at most 40), starting with a letter or digit");
export const DEFAULT_RUNNER_LABEL = "default";

const permissionDecisionSchema = z.discriminatedUnion("behavior", [
  z.object({ behavior: z.literal("allow"), updatedInput: z.record(z.string(), z.unknown()).optional() }),
  z.object({ behavior: z.literal("deny"), message: z.string(), interrupt: z.boolean().optional() }),
]);

/** Jobs, one per thing the server asks of a runner. `start` goes to any runner with the label, the rest to the agent's runner. */
export const runnerJobSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("start"),
    agentId: z.string(),
    sessionId: z.string(),
    driver: z.string(),
    model: z.string().optional(),
    config: z.record(z.string(), z.unknown()),
    resumeSessionId: z.string().optional(),
    priorCostUsd: z.number().optional(),
  }),
  z.object({ kind: z.literal("prompt"), agentId: z.string(), text: z.string(), commandId: z.string().optional(), taskId: z.string().optional() }),
  z.object({ kind: z.literal("interrupt"), agentId: z.string() }),
  z.object({ kind: z.literal("set-mode"), agentId: z.string(), mode: z.string() }),
  z.object({ kind: z.literal("permission-answer"), agentId: z.string(), requestId: z.string(), decision: permissionDecisionSchema }),
  z.object({ kind: z.literal("stop"), agentId: z.string() }),
]);
export type RunnerJob = z.infer<typeof runnerJobSchema>;

/** A job as a runner receives it: the queue it came from (to acknowledge it there) and its id. */
export const deliveredJobSchema = z.object({ id: z.string(), queue: z.string(), job: runnerJobSchema });
export type DeliveredJob = z.infer<typeof deliveredJobSchema>;

/** A runner's answer to one job: what `start` and `prompt` produced, or why the job failed. */
export const jobOutcomeSchema = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    /** `start`: the agent's own session id and process. */
    externalSessionId: z.string().max(500).optional(),
    processId: z.number().int().optional(),
    /** `prompt`: how the turn ended. */
    turn: z.object({ status: z.enum(["completed", "failed", "cancelled"]), result: z.string().max(100_000).optional(), error: z.string().max(100_000).optional() }).optional(),
  }),
  z.object({ ok: z.literal(false), error: z.string().max(10_000) }),
]);
export type JobOutcome = z.infer<typeof jobOutcomeSchema>;

/** A job's answer as the queue keeps it with the job: a sender that missed the answer's signal reads it there. */
export const jobAnswerSchema = z.object({ runnerId: z.string(), outcome: jobOutcomeSchema });
export type JobAnswer = z.infer<typeof jobAnswerSchema>;

/** What a runner reports on its own: an agent asks for a permission (or withdraws the ask), its turn's usage so far, or its process ended. */
export const runnerReportSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("permission"),
    agentId: z.string(),
    requestId: z.string().min(1).max(200),
    request: z.object({
      toolName: z.string().max(200),
      input: z.record(z.string(), z.unknown()),
      toolUseId: z.string().max(200).optional(),
      reason: z.string().max(10_000).optional(),
      extra: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
  z.object({ kind: z.literal("permission-withdrawn"), agentId: z.string(), requestId: z.string().min(1).max(200) }),
  /** The running turn's tokens so far, as the model's usage streams (budgets act on it mid-turn, as for local agents). */
  z.object({ kind: z.literal("usage"), agentId: z.string(), commandId: z.string().max(200).optional(), tokensSoFar: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
  z.object({ kind: z.literal("exited"), agentId: z.string(), reason: z.string().max(10_000) }),
]);
export type RunnerReport = z.infer<typeof runnerReportSchema>;

/** The durable queue a start job of this label waits in. */
export function startQueueName(label: string): string {
  return `rozet_start_${label}`;
}

export function isStartQueue(queue: string): boolean {
  return queue.startsWith("rozet_start_");
}

/** The queue of one runner process (its agents' prompts, interrupts, answers and stops). */
export function runnerQueueName(runnerId: string): string {
  return `rozet_runner_${runnerId}`;
}
