import { z } from "zod";
import { idSchema, nameSchema, printable } from "./common.contracts.ts";

export const createSessionInput = z.object({
  name: nameSchema,
  /** Folder for the session's agents, relative to (or inside) the workspaces root. Default: a new folder. */
  workspace: printable(1024).min(1).optional(),
});
export const listSessionsInput = z
  .object({ status: z.enum(["active", "archived"]).optional(), limit: z.number().int().min(1).max(500).default(100) })
  .default({ limit: 100 });
export const sessionIdInput = z.object({ id: idSchema });
