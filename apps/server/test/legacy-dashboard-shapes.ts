import { z } from "zod";

/**
 * The hook-observability dashboard's own types (disler/claude-code-hooks-multi-agent-observability,
 * apps/client/src/types.ts: HookEvent, FilterOptions, WebSocketMessage), transcribed into zod. Strict objects:
 * a field that dashboard does not know is a failure too.
 */
export const humanInTheLoop = z.strictObject({
  question: z.string(),
  responseWebSocketUrl: z.string(),
  type: z.enum(["question", "permission", "choice"]),
  choices: z.array(z.string()).optional(),
  timeout: z.number().optional(),
  requiresResponse: z.boolean().optional(),
});
export const hookEvent = z.strictObject({
  id: z.number().optional(),
  source_app: z.string(),
  session_id: z.string(),
  hook_event_type: z.string(),
  payload: z.record(z.string(), z.any()),
  chat: z.array(z.any()).optional(),
  summary: z.string().optional(),
  timestamp: z.number().optional(),
  model_name: z.string().optional(),
  humanInTheLoop: humanInTheLoop.optional(),
  humanInTheLoopStatus: z.strictObject({ status: z.enum(["pending", "responded", "timeout", "error"]), respondedAt: z.number().optional(), response: z.any().optional() }).optional(),
});
export const filterOptions = z.strictObject({ source_apps: z.array(z.string()), session_ids: z.array(z.string()), hook_event_types: z.array(z.string()) });
export const webSocketMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("initial"), data: z.array(hookEvent) }),
  z.strictObject({ type: z.literal("event"), data: hookEvent }),
]);
export type HookEvent = z.infer<typeof hookEvent>;
