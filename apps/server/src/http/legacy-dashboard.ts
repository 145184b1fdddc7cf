import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { EventSummary } from "@rozet/db";
import type { ControlRoom } from "@rozet/orchestrator";
import { DomainError, type Logger } from "@rozet/vocabulary";
import { WebSocketServer, type WebSocket } from "ws";
import { readBodyText } from "./body.ts";
import { sendError, sendJson, type ErrorLog } from "./respond.ts";

/**
 * The API of the hook-observability dashboard (disler/claude-code-hooks-multi-agent-observability), so that
 * dashboard runs against Rozet unchanged: `GET /events/recent`, `GET /events/filter-options` and the WebSocket
 * `/stream` (`{ type: "initial", data: HookEvent[] }`, then `{ type: "event", data: HookEvent }` per event).
 * Every event is shown, our own agents' as well as hook-reported ones: `hook_event_type` is the hook's name, or
 * our catalogue type (tool.started …) for events that came from no hook.
 *
 * Human in the loop: a `permission.requested` event carries the dashboard's `humanInTheLoop` (type "permission")
 * and `humanInTheLoopStatus` (pending, or responded once answered), and the dashboard's answer
 * `POST /events/:id/respond` (`{ permission: true | false, … }`) is our permission answer, given through the
 * router's `agent.respondPermission` with the caller's token: the operator role, observe-only and the audit log
 * apply as to any other answer.
 */

/** The dashboard's own snapshot size (its server sends the newest 300 on connect). */
const SNAPSHOT = 300;
const MAX_RECENT = 1_000;
/** Filter options' event types come from this many newest events: bounded work whatever the history's size. */
const TYPES_WINDOW = 10_000;
/** A dashboard this far behind is dropped; it reconnects by itself and gets a fresh snapshot. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Largest HITL answer body read (the dashboard sends the answer and the whole event back). */
const MAX_RESPOND_BYTES = 1024 * 1024;

/** The dashboard's HookEvent (apps/client/src/types.ts there). */
export interface HookEvent {
  id: number;
  source_app: string;
  session_id: string;
  hook_event_type: string;
  payload: Record<string, unknown>;
  chat?: unknown[];
  summary?: string;
  timestamp: number;
  model_name?: string;
  humanInTheLoop?: { question: string; responseWebSocketUrl: string; type: "permission" };
  humanInTheLoopStatus?: { status: "pending" | "responded" | "timeout" | "error"; respondedAt?: number; response?: { permission: boolean; respondedAt: number; respondedBy?: string } };
}

/** What answers a permission request for the dashboard: the router's agent.respondPermission with this request's token. */
export type RespondPermission = (req: IncomingMessage, res: ServerResponse, input: { requestId: string; answer: { behavior: "allow" } | { behavior: "deny"; message: string } }) => Promise<unknown>;

/** The dashboard's HITL status of one of our permission requests. */
function hitlStatus(row: { status: string; answeredAt: Date | null; answeredBy: string | null } | null): NonNullable<HookEvent["humanInTheLoopStatus"]> {
  if (!row || row.status === "pending") return { status: "pending" };
  const respondedAt = row.answeredAt?.getTime() ?? Date.now();
  if (row.status === "timed_out") return { status: "timeout", respondedAt };
  if (row.status !== "allowed" && row.status !== "denied") return { status: "error", respondedAt };
  const response = { permission: row.status === "allowed", respondedAt, ...(row.answeredBy ? { respondedBy: row.answeredBy } : {}) };
  return { status: "responded", respondedAt, response };
}

/** Names as the dashboard knows them, cached: a session's source_app, an agent's session_id and model. */
function createNames(room: ControlRoom) {
  const sessions = new Map<string, string>();
  const agents = new Map<string, { sessionId: string; model: string | null }>();
  return {
    async sourceApp(sessionId: string): Promise<string> {
      let name = sessions.get(sessionId);
      if (name === undefined) {
        const row = await room.prisma.session.findUnique({ where: { id: sessionId }, select: { name: true, externalKey: true } });
        name = row?.externalKey ?? row?.name ?? sessionId;
        sessions.set(sessionId, name);
      }
      return name;
    },
    async agent(agentId: string): Promise<{ sessionId: string; model: string | null }> {
      let agent = agents.get(agentId);
      if (agent === undefined) {
        const row = await room.prisma.agent.findUnique({ where: { id: agentId }, select: { externalSessionId: true, model: true } });
        // Hook-reported agents keep the Claude session id they report under; our own agents are named by id.
        agent = { sessionId: row?.externalSessionId ?? agentId, model: row?.model ?? null };
        agents.set(agentId, agent);
      }
      return agent;
    },
  };
}

function objectPayload(payload: unknown): Record<string, unknown> {
  return payload && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>) : { value: payload };
}

export function createLegacyDashboard(deps: { room: ControlRoom; log: Logger; logError: ErrorLog; respondPermission: RespondPermission }) {
  const { room } = deps;
  const names = createNames(room);

  async function toHookEvents(summaries: EventSummary[]): Promise<HookEvent[]> {
    const events: HookEvent[] = [];
    for (const summary of summaries) {
      const full = await room.events.get(summary.seq);
      if (!full) continue; // deleted with its session meanwhile
      const payload = objectPayload(full.payload);
      const agent = full.agentId ? await names.agent(full.agentId) : null;
      events.push({
        id: full.seq,
        source_app: await names.sourceApp(full.sessionId),
        session_id: agent?.sessionId ?? full.sessionId,
        hook_event_type: full.hookEventType ?? full.type,
        payload,
        ...(Array.isArray(payload.chat) ? { chat: payload.chat as unknown[] } : {}),
        ...(full.summary ? { summary: full.summary } : {}),
        timestamp: Math.round(full.clientTs ?? full.receivedAt),
        ...(agent?.model ? { model_name: agent.model } : {}),
        ...(full.type === "permission.requested" ? await humanInTheLoop(payload) : {}),
      });
    }
    return events;
  }

  /** A permission request as the dashboard's HITL question, with its current status. */
  async function humanInTheLoop(payload: Record<string, unknown>): Promise<Pick<HookEvent, "humanInTheLoop" | "humanInTheLoopStatus">> {
    const requestId = typeof payload.id === "string" ? payload.id : null;
    const row = requestId ? await room.prisma.permissionRequest.findUnique({ where: { id: requestId }, select: { status: true, answeredAt: true, answeredBy: true } }) : null;
    const tool = typeof payload.toolName === "string" ? payload.toolName : "a tool";
    return {
      // No agent-side WebSocket: the answer goes to the waiting agent through Rozet itself.
      humanInTheLoop: { question: `Allow ${tool}?`, responseWebSocketUrl: "", type: "permission" },
      humanInTheLoopStatus: hitlStatus(row),
    };
  }

  /** POST /events/:id/respond: the dashboard's answer to a permission request, answered as the operator's. */
  async function respond(req: IncomingMessage, res: ServerResponse, seq: number): Promise<HookEvent> {
    let body: unknown;
    try {
      body = JSON.parse(await readBodyText(req, MAX_RESPOND_BYTES));
    } catch {
      throw new DomainError("INVALID_INPUT", "the body must be a JSON object such as { \"permission\": true }", { field: "body" });
    }
    const permission = body && typeof body === "object" ? (body as { permission?: unknown }).permission : undefined;
    if (typeof permission !== "boolean") {
      throw new DomainError("INVALID_INPUT", "permission must be true (allow) or false (deny): Rozet's questions are permission requests", { field: "permission" });
    }
    const full = await room.events.get(seq);
    if (!full || full.type !== "permission.requested") throw new DomainError("NOT_FOUND", `event ${seq} is not a permission request`, { field: "id" });
    const requestId = objectPayload(full.payload).id;
    if (typeof requestId !== "string") throw new DomainError("NOT_FOUND", `event ${seq} names no permission request`, { field: "id" });
    await deps.respondPermission(req, res, {
      requestId,
      answer: permission ? { behavior: "allow" } : { behavior: "deny", message: "denied from the observability dashboard" },
    });
    const [event] = await toHookEvents([full]);
    if (!event) throw new DomainError("NOT_FOUND", `event ${seq} was deleted`, { field: "id" });
    return event;
  }

  async function filterOptions() {
    const [sessions, agents, types] = await Promise.all([
      room.prisma.session.findMany({ select: { name: true, externalKey: true } }),
      room.prisma.agent.findMany({ select: { id: true, externalSessionId: true }, orderBy: { createdAt: "desc" }, take: 300 }),
      room.events.recentTypes(TYPES_WINDOW),
    ]);
    return {
      source_apps: [...new Set(sessions.map((s) => s.externalKey ?? s.name))].sort(),
      session_ids: agents.map((a) => a.externalSessionId ?? a.id),
      hook_event_types: types,
    };
  }

  // One WebSocket server for /stream. Deliveries go through one chain so every client gets events in seq order,
  // a snapshot is never overtaken by live events, and each live batch is read and serialized once for everyone.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const lastSent = new Map<WebSocket, number>();
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((error: unknown) => deps.logError(error));
  };
  const send = (ws: WebSocket, message: string) => {
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      deps.log.warn({ bufferedAmount: ws.bufferedAmount }, "legacy dashboard client too far behind: dropped");
      ws.terminate();
      return;
    }
    ws.send(message);
  };

  wss.on("connection", (ws) => {
    ws.on("error", () => ws.terminate());
    ws.on("close", () => lastSent.delete(ws));
    enqueue(async () => {
      if (ws.readyState !== ws.OPEN) return;
      const snapshot = await toHookEvents(await room.events.recent(SNAPSHOT));
      lastSent.set(ws, snapshot.at(-1)?.id ?? (await room.events.lastSeq()));
      send(ws, JSON.stringify({ type: "initial", data: snapshot }));
    });
  });
  const unsubscribe = room.bus.subscribe("events", (batch) => {
    if (wss.clients.size === 0) return;
    enqueue(async () => {
      if (lastSent.size === 0) return;
      const events = await toHookEvents(batch);
      for (const event of events) {
        const message = JSON.stringify({ type: "event", data: event });
        for (const [ws, seq] of lastSent) {
          if (event.id <= seq || ws.readyState !== ws.OPEN) continue;
          lastSent.set(ws, event.id);
          send(ws, message);
        }
      }
    });
  });

  /** The dashboard's page runs on its own origin: the guard has already accepted that origin, so it may read. */
  const allowOrigin = (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.origin) {
      res.setHeader("access-control-allow-origin", req.headers.origin);
      res.setHeader("vary", "origin");
    }
  };

  return {
    /** Handles POST /events/:id/respond and its CORS preflight (the caller has put a `?token=` into the Authorization header). */
    respond(req: IncomingMessage, res: ServerResponse, id: string): void {
      allowOrigin(req, res);
      if (req.method === "OPTIONS") {
        // The dashboard's page (its own origin, already admitted by the guard) posts JSON: a preflighted request.
        res.writeHead(204, { "access-control-allow-methods": "POST", "access-control-allow-headers": "content-type, authorization", "access-control-max-age": "600" });
        res.end();
        return;
      }
      respond(req, res, Number(id)).then(
        (event) => sendJson(res, 200, event),
        (error: unknown) => sendError(res, error, deps.logError),
      );
    },
    /** Handles GET /events/recent and /events/filter-options; false for any other path. */
    handle(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
      if (pathname !== "/events/recent" && pathname !== "/events/filter-options") return false;
      allowOrigin(req, res);
      if (req.method !== "GET") {
        sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: `GET ${pathname}` } });
        return true;
      }
      if (pathname === "/events/filter-options") {
        filterOptions().then(
          (options) => sendJson(res, 200, options),
          (error: unknown) => sendError(res, error, deps.logError),
        );
        return true;
      }
      const raw = new URL(req.url ?? "/", "http://x").searchParams.get("limit") ?? String(SNAPSHOT);
      const limit = Number(raw);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECENT) {
        sendError(res, new DomainError("INVALID_INPUT", `limit must be an integer from 1 to ${MAX_RECENT}, not ${JSON.stringify(raw)}`, { field: "limit" }), deps.logError);
        return true;
      }
      room.events.recent(limit).then(toHookEvents).then(
        (events) => sendJson(res, 200, events),
        (error: unknown) => sendError(res, error, deps.logError),
      );
      return true;
    },
    /** Takes a WebSocket upgrade the caller has already admitted (Host, Origin, token). */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    },
    close(): void {
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
