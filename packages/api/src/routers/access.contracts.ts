import { z } from "zod";
import type { TokenDto } from "@rozet/orchestrator";
import { ROLES } from "@rozet/vocabulary";
import { isoTime } from "./common.contracts.ts";

export const tokenNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, "letters, digits, '.', '_' and '-', starting with a letter or digit");

export const createTokenInput = z.object({ name: tokenNameSchema, role: z.enum(ROLES) });
/** The token's name or id. */
export const revokeTokenInput = z.object({ token: z.string().min(1).max(64) });

export const tokenOutput = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: isoTime,
  revokedAt: isoTime.nullable(),
}) satisfies z.ZodType<TokenDto>;

/** The secret is in this answer and nowhere else, ever. */
export const createdTokenOutput = z.object({ token: tokenOutput, secret: z.string() });

export const accessOutput = z.object({
  tokenRequired: z.boolean(),
  principal: z.object({ name: z.string(), role: z.enum(ROLES) }).nullable(),
  observeOnly: z.boolean(),
});
