import type { ServerResponse } from "node:http";
import { domainErrorMap } from "@rozet/api";
import { DomainError } from "@rozet/vocabulary";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** REST error body: the same domain codes the tRPC API reports. */
export function sendError(res: ServerResponse, error: unknown, log: (error: unknown) => void): void {
  if (error instanceof DomainError) {
    sendJson(res, domainErrorMap[error.code].http, { error: { code: error.code, message: error.message, details: error.details ?? null } });
    return;
  }
  log(error);
  sendJson(res, 500, { error: { code: "INTERNAL", message: "internal error; see the server log" } });
}
