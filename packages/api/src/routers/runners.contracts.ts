import { deliveredJobSchema, jobOutcomeSchema, runnerLabelSchema, runnerReportSchema } from "@rozet/orchestrator";
import { z } from "zod";
import { idSchema, nameSchema } from "./common.contracts.ts";

export const registerRunnerInput = z.object({
  name: nameSchema,
  label: runnerLabelSchema.optional(),
  /** At most this many agents at once on the runner. */
  maxAgents: z.number().int().min(1).max(1_000),
});
export const registeredRunnerOutput = z.object({ runnerId: z.string(), leaseMs: z.number().int() });
export const runnerHeartbeatInput = z.object({ runnerId: idSchema, running: z.array(idSchema).max(1_000) });
export const runnerHeartbeatOutput = z.object({ stop: z.array(z.string()) });
export const runnerPollInput = z.object({
  runnerId: idSchema,
  /** How many more agents the runner can start now. */
  capacity: z.number().int().min(0).max(1_000),
  waitMs: z.number().int().min(0).max(25_000).default(20_000),
});
export const runnerPollOutput = z.object({ jobs: z.array(deliveredJobSchema) });
export const runnerAckInput = z.object({ runnerId: idSchema, jobId: idSchema, queue: z.string().min(1).max(200), outcome: jobOutcomeSchema });
export const runnerReportInput = z.object({ runnerId: idSchema, report: runnerReportSchema });
