import type { IncomingMessage } from "node:http";
import type { ControlRoom } from "@rozet/orchestrator";
import type { WebSocket } from "ws";

export interface AuthPolicy {
  /** Null when no token is configured (loopback default): everyone on the allowed hosts is an operator. */
  token: string | null;
}

/** Where the web app's telemetry goes (the server counts it for /metrics). */
export interface Telemetry {
  record(event: { kind: "page_load"; durationMs: number } | { kind: "command"; name: string; ok: boolean; durationMs?: number | undefined }): void;
  /** A live event went out to a subscriber `lagMs` after the server received it. */
  liveEventSent(lagMs: number): void;
}

export interface ContextDeps {
  room: ControlRoom;
  auth: AuthPolicy;
  telemetry: Telemetry;
}

interface ContextSource {
  req: IncomingMessage;
  res?: unknown;
  info?: { connectionParams?: Record<string, string | undefined> | null };
}

/** Reads a bearer token from the Authorization header or, for WebSockets, the `token` connection param. */
export function presentedToken(req: IncomingMessage, connectionParams?: Record<string, string | undefined> | null): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length).trim();
  return connectionParams?.token ?? null;
}

export function tokenMatches(policy: AuthPolicy, presented: string | null): boolean {
  if (policy.token === null) return true;
  if (presented === null || presented.length !== policy.token.length) return false;
  // Constant-time compare: the token is the only secret guarding a remote control room.
  let diff = 0;
  for (let i = 0; i < presented.length; i++) diff |= presented.charCodeAt(i) ^ policy.token.charCodeAt(i);
  return diff === 0;
}

/** Builds `createContext` for both the HTTP and the WebSocket adapter. */
export function createContextFactory(deps: ContextDeps) {
  return (opts: ContextSource) => {
    const res = opts.res as { bufferedAmount?: number; readyState?: number } | undefined;
    const socket = res && typeof res.bufferedAmount === "number" ? (res as unknown as WebSocket) : null;
    return {
      room: deps.room,
      telemetry: deps.telemetry,
      operator: tokenMatches(deps.auth, presentedToken(opts.req, opts.info?.connectionParams)),
      /** The client's WebSocket, for subscription back-pressure; null over HTTP. */
      socket,
    };
  };
}

export type Context = ReturnType<ReturnType<typeof createContextFactory>>;
