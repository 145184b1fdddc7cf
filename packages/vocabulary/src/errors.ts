/** Every failure the domain reports on purpose. Transports map `code` once (see packages/api/src/errors.ts). */
export const domainErrorCodes = [
  "NOT_FOUND",
  "CONFLICT",
  "INVALID_INPUT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_SCHEMA_VERSION",
  "ILLEGAL_STATE",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "OVERLOADED",
  /** Too many calls from one token or address: answered with Retry-After (details.retryAfterSeconds). */
  "RATE_LIMITED",
  /** The control room runs observe-only (ROZET_CONTROL_ROOM_ENABLED=false): agents, commands, tasks and permissions are read-only. */
  "OBSERVE_ONLY",
  /** The agent process or its model failed (not the caller's fault, not ours). */
  "AGENT_FAILED",
  /** Another replica should answer (it runs the agent) but is not there: nothing was done, retrying is safe. */
  "UNAVAILABLE",
  /** Another replica took the call but its answer did not come in time: it may still take effect. */
  "TIMEOUT",
] as const;

export type DomainErrorCode = (typeof domainErrorCodes)[number];

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** Machine-readable detail, e.g. which size limit was hit. Sent to clients. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: DomainErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
  }
}

export function notFound(what: string, id: string): DomainError {
  return new DomainError("NOT_FOUND", `${what} ${id} not found`, { what, id });
}
