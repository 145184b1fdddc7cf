import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import type { DomainErrorCode } from "@rozet/vocabulary";

/** The one map from domain error codes to tRPC codes and HTTP statuses (REST routes use the status too). */
export const domainErrorMap: Record<DomainErrorCode, { trpc: TRPC_ERROR_CODE_KEY; http: number }> = {
  NOT_FOUND: { trpc: "NOT_FOUND", http: 404 },
  CONFLICT: { trpc: "CONFLICT", http: 409 },
  INVALID_INPUT: { trpc: "BAD_REQUEST", http: 400 },
  PAYLOAD_TOO_LARGE: { trpc: "PAYLOAD_TOO_LARGE", http: 413 },
  UNSUPPORTED_SCHEMA_VERSION: { trpc: "UNPROCESSABLE_CONTENT", http: 422 },
  ILLEGAL_STATE: { trpc: "CONFLICT", http: 409 },
  UNAUTHORIZED: { trpc: "UNAUTHORIZED", http: 401 },
  FORBIDDEN: { trpc: "FORBIDDEN", http: 403 },
  OVERLOADED: { trpc: "TOO_MANY_REQUESTS", http: 429 },
  RATE_LIMITED: { trpc: "TOO_MANY_REQUESTS", http: 429 },
  OBSERVE_ONLY: { trpc: "FORBIDDEN", http: 403 },
  AGENT_FAILED: { trpc: "BAD_GATEWAY", http: 502 },
  UNAVAILABLE: { trpc: "SERVICE_UNAVAILABLE", http: 503 },
  TIMEOUT: { trpc: "GATEWAY_TIMEOUT", http: 504 },
};
