import type { ServerResponse } from "node:http";
import { domainErrorMap } from "@rozet/api";
import { DomainError, newId } from "@rozet/vocabulary";

/** Where request failures are logged; an unexpected one comes with the correlation id its response names. */
export type ErrorLog = (error: unknown, correlationId?: string) => void;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** `Retry-After` for a RATE_LIMITED error (its details say how many seconds); nothing for any other. */
export function retryAfterHeader(error: DomainError): Record<string, string> {
  const seconds = error.details?.retryAfterSeconds;
  return error.code === "RATE_LIMITED" && typeof seconds === "number" ? { "retry-after": String(seconds) } : {};
}

/**
 * REST error body: the same domain codes the tRPC API reports. An unexpected error is answered without its text
 * (it can name files and SQL of this machine) and logged under a correlation id the body gives.
 */
export function sendError(res: ServerResponse, error: unknown, log: ErrorLog): void {
  if (error instanceof DomainError) {
    sendJson(res, domainErrorMap[error.code].http, { error: { code: error.code, message: error.message, details: error.details ?? null } }, retryAfterHeader(error));
    return;
  }
  const correlationId = newId();
  log(error, correlationId);
  sendJson(res, 500, { error: { code: "INTERNAL", message: `internal error (correlation id ${correlationId}); see the server log`, correlationId } });
}
