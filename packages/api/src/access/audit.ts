import { z } from "zod";
import { ROLES } from "@rozet/vocabulary";

/** One line of the audit log: who changed what, from where, and how it ended. Never an input value. */
export const auditEntrySchema = z.object({
  at: z.string(),
  /** The token's name (`ROZET_TOKEN`, `local` when no token is configured); null when none was recognised. */
  token: z.string().nullable(),
  role: z.enum(ROLES).nullable(),
  procedure: z.string(),
  /** The id the call was about, e.g. `agentId=…` (ids only: no prompt, payload or secret). */
  target: z.string().nullable(),
  /** `ok`, or the error code it was refused or failed with (FORBIDDEN, RATE_LIMITED, NOT_FOUND, …). */
  result: z.string(),
  client: z.string(),
});

export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditFilterSchema = z.object({
  token: z.string().max(64).optional(),
  /** Prefix of the procedure path, e.g. `agent.` or `token.create`. */
  procedure: z.string().max(128).optional(),
  /** `ok`, `error` (anything but ok) or one error code. */
  result: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(1_000).default(200),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** Where state-changing calls are recorded; `record` resolves once the line is on disk. */
export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  read(filter: AuditFilter): Promise<AuditEntry[]>;
}

/** Input fields that name what a call is about, most specific first. Values must look like ids. */
const TARGET_FIELDS = ["requestId", "agentId", "taskId", "id", "sessionId", "token", "name"] as const;
const ID_LIKE = /^[\w.:-]{1,128}$/;

/** The call's target for the audit log: one id-like field of its input; never a secret or free text. */
export function auditTarget(input: unknown): string | null {
  if (!input || typeof input !== "object") return null;
  const record = input as Record<string, unknown>;
  for (const field of TARGET_FIELDS) {
    const value = record[field];
    if (typeof value !== "string" || !ID_LIKE.test(value)) continue;
    // Someone who pastes a secret where a name belongs must not find it in the log.
    if (value.startsWith("rzt_")) return `${field}=[secret]`;
    return `${field}=${value}`;
  }
  return null;
}
