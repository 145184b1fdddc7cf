import { agentDrivers } from "@rozet/orchestrator";
import { z } from "zod";
import { idSchema, nameSchema } from "./common.contracts.ts";

export const createAgentInput = z.object({
  sessionId: idSchema,
  name: nameSchema,
  driver: z.enum(agentDrivers),
  model: z.string().min(1).max(120).optional(),
  config: z
    .record(z.string(), z.unknown())
    .refine((config) => JSON.stringify(config).length <= 64 * 1024, "config must be at most 64 KiB of JSON")
    .optional(),
});
export const listAgentsInput = z.object({ sessionId: idSchema });
export const agentIdInput = z.object({ id: idSchema });
