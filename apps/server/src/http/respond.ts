import type { ServerResponse } from "node:http";
import { domainErrorMap } from "@rozet/api";
import { DomainError, newId } from "@rozet/vocabulary";

/** Where request failures are logged; an unexpected one comes with the correlation id its response names. */
export type ErrorLog = (error: unknown, correlationId?: string) => void;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * REST error body: the same domain codes the tRPC API reports. An unexpected error is answered without its text
 * (it can name files and SQL of this machine) and logged under a correlation id the body gives.
 */
export function sendError(res: ServerResponse, error: unknown, log: ErrorLog): void {
  if (error instanceof DomainError) {
    sendJson(res, domainErrorMap[error.code].http, { error: { code: error.code, message: error.message, details: error.details ?? null } });
    return;
  }
  const correlationId = newId();
  log(error, correlationId);
  sendJson(res, 500, { error: { code: "INTERNAL", message: `internal error (correlation id ${correlationId}); see the server log`, correlationId } });
}
