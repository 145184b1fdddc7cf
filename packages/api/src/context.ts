import type { IncomingMessage } from "node:http";
import type { ControlRoom } from "@rozet/orchestrator";
import type { WebSocket } from "ws";
import type { AuditTrail } from "./access/audit.ts";
import { clientAddress, presentedToken, resolveAccess, type AccessPolicy } from "./access/principal.ts";
import type { RateLimits } from "./access/rate-limits.ts";

/** Where the web app's telemetry goes (the server counts it for /metrics). */
export interface Telemetry {
  record(event: { kind: "page_load"; durationMs: number } | { kind: "command"; name: string; ok: boolean; durationMs?: number | undefined }): void;
  /** A live event went out to a subscriber `lagMs` after the server received it. */
  liveEventSent(lagMs: number): void;
}

export interface ContextDeps {
  room: ControlRoom;
  access: AccessPolicy;
  audit: AuditTrail;
  limits: RateLimits;
  /** ROZET_CONTROL_ROOM_ENABLED=false: agents, commands, tasks and permissions may be watched, not changed. */
  observeOnly: boolean;
  telemetry: Telemetry;
}

interface ContextSource {
  req: IncomingMessage;
  res?: unknown;
  info?: { connectionParams?: Record<string, string | undefined> | null };
}

/** Builds `createContext` for both the HTTP and the WebSocket adapter (and REST, which calls the same procedures). */
export function createContextFactory(deps: ContextDeps) {
  return async (opts: ContextSource) => {
    const res = opts.res as { bufferedAmount?: number; readyState?: number } | undefined;
    const socket = res && typeof res.bufferedAmount === "number" ? (res as unknown as WebSocket) : null;
    const access = await resolveAccess(deps.access, presentedToken(opts.req, opts.info?.connectionParams));
    return {
      room: deps.room,
      telemetry: deps.telemetry,
      audit: deps.audit,
      limits: deps.limits,
      observeOnly: deps.observeOnly,
      /** Whether a token is configured, and whose token this call carries (checked per procedure by role). */
      access,
      clientAddress: clientAddress(opts.req),
      /** The client's WebSocket, for subscription back-pressure; null over HTTP. */
      socket,
    };
  };
}

export type Context = Awaited<ReturnType<ReturnType<typeof createContextFactory>>>;
