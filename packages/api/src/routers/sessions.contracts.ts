import { z } from "zod";
import { idSchema, nameSchema } from "./common.contracts.ts";

export const createSessionInput = z.object({
  name: nameSchema,
  /** Folder for the session's agents, relative to (or inside) the workspaces root. Default: a new folder. */
  workspace: z.string().min(1).max(1024).regex(/^[^\p{Cc}]*$/u, "must not contain control characters").optional(),
});
export const listSessionsInput = z
  .object({ status: z.enum(["active", "archived"]).optional(), limit: z.number().int().min(1).max(500).default(100) })
  .default({ limit: 100 });
export const sessionIdInput = z.object({ id: idSchema });
