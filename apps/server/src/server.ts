import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import { appRouter, createContextFactory, createOpenApiDocument, domainErrorMap, RateLimits } from "@rozet/api";
import { builtinDrivers, createControlRoom, type ControlRoom } from "@rozet/orchestrator";
import { migratePostgres } from "@rozet/db";
import { DomainError } from "@rozet/vocabulary";
import { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer } from "ws";
import { AuditLog } from "./audit/audit-log.ts";
import { homePaths, parseConfig, type ServerConfig, type ServerConfigInput } from "./config.ts";
import { createApiDocsHandler } from "./http/api-docs.ts";
import { createHttpAccess } from "./http/access.ts";
import { handleClaudeHook } from "./http/claude-hook.ts";
import { handleExport } from "./http/export.ts";
import { createMetrics } from "./metrics.ts";
import { handleRestIngest } from "./http/rest-ingest.ts";
import { isJsonContentType } from "./http/content-type.ts";
import { retryAfterHeader, sendError, sendJson } from "./http/respond.ts";
import { createLegacyDashboard } from "./http/legacy-dashboard.ts";
import { createLegacyThemes } from "./http/legacy-themes.ts";
import { createRestApi } from "./http/rest-api.ts";
import { createRequestGuard } from "./http/security.ts";
import { createStaticHandler } from "./http/static.ts";
import { createLogger } from "./logger.ts";
import { createOtlpHandler } from "./otlp/handle-otlp.ts";
import { meteredWriter } from "./http/ingest-writer.ts";
import { routeLabel } from "./http/route-label.ts";
import { PgRunnerQueue } from "./runners/pg-runner-queue.ts";

export const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));

/** Largest WebSocket message a client may send (subscriptions and small calls only; ingest goes over HTTP). */
const WS_MAX_PAYLOAD = 1024 * 1024;

export interface RunningServer {
  url: string;
  port: number;
  config: ServerConfig;
  room: ControlRoom;
  /** Live connection figures (also what a slow client costs us in memory). */
  stats(): { websocketClients: number; websocketBufferedBytes: number };
  /** Stop accepting, tell WebSocket clients to reconnect, flush the write queue, close the database. */
  close(): Promise<void>;
}

export async function startServer(input: ServerConfigInput): Promise<RunningServer> {
  const config = parseConfig({ webDist: DEFAULT_WEB_DIST, ...input });
  const log = createLogger(config.quiet);
  const paths = homePaths(config.home);
  // Postgres answers (and is migrated) before pg-boss connects: an unreachable server fails with our one clear line.
  if (config.databaseUrl) await migratePostgres(config.databaseUrl);
  const room = await createControlRoom({
    database: config.databaseUrl ?? paths.database,
    workspacesRoot: paths.workspaces,
    dataDir: config.home,
    drivers: builtinDrivers,
    agentEnv: config.agentEnv,
    synchronous: config.synchronous,
    permissionTimeoutMs: config.permissionTimeoutMs,
    watchdogMs: config.watchdogMs,
    logger: log,
    runnerQueue: config.databaseUrl ? await PgRunnerQueue.open(config.databaseUrl, (error) => log.error({ err: error }, "runner queue (pg-boss)")) : undefined,
    runnerLeaseMs: config.runnerLeaseMs,
    replicaName: config.replicaName,
    replicaLeaseMs: config.replicaLeaseMs,
    forwardTimeoutMs: config.forwardTimeoutMs,
  });
  const guard = createRequestGuard(config);
  const access = { envToken: config.token, tokens: room.database.tokens };
  const limits = new RateLimits(config.rateLimits);
  const audit = new AuditLog({ dir: paths.audit, maxBytes: config.auditMaxBytes, keep: config.auditKeep });
  const httpAccess = createHttpAccess(access, limits, audit);
  const liveStats = () => {
    let websocketBufferedBytes = 0;
    for (const client of wss.clients) websocketBufferedBytes += client.bufferedAmount;
    return { websocketClients: wss.clients.size, websocketBufferedBytes };
  };
  const metrics = createMetrics(room, liveStats);
  const createContext = createContextFactory({ room, access, audit, limits, observeOnly: !config.controlEnabled, telemetry: metrics.telemetry });
  const logError = (error: unknown, correlationId?: string) => log.error({ err: error, correlationId }, "request failed");

  const trpcHandler = createHTTPHandler({
    router: appRouter,
    createContext,
    basePath: "/trpc/",
    maxBodySize: 16 * 1024 * 1024,
    // A rate-limited call says when to come back.
    responseMeta: ({ errors }) => {
      const limited = errors.find((e) => e.cause instanceof DomainError && e.cause.code === "RATE_LIMITED");
      return limited ? { headers: retryAfterHeader(limited.cause as DomainError) } : {};
    },
    onError({ error, path, ctx }) {
      // With a context the error formatter logs it under its correlation id; without one (context creation failed) here.
      if (error.code === "INTERNAL_SERVER_ERROR" && !ctx) log.error({ err: error, path }, "procedure failed");
    },
  });
  const serveStatic = createStaticHandler(config.webDist);
  const openApiDocument = createOpenApiDocument();
  const restApi = createRestApi({ document: openApiDocument, createContext, log: logError });
  const serveApiDocs = createApiDocsHandler(openApiDocument);
  const legacyDashboard = createLegacyDashboard({
    room,
    log,
    logError,
    // The dashboard's HITL answer is the router's permission answer: role, observe-only and audit as for any caller.
    respondPermission: async (req, res, input) => {
      try {
        return await appRouter.createCaller(await createContext({ req, res })).agent.respondPermission(input);
      } catch (error) {
        // Answered like any REST error: the domain error (403, 404, 409 …) the procedure refused with.
        throw error instanceof TRPCError && error.cause instanceof DomainError ? error.cause : error;
      }
    },
  });
  const legacyThemes = createLegacyThemes({ prisma: room.prisma, access: httpAccess, logError });
  // Every ingest route: the same token check; each writes through a writer that counts its requests for /metrics.
  // OTLP/HTTP (OpenTelemetry logs and metrics) takes JSON or protobuf and answers media-type errors in OTLP's shape.
  const ingestRoute = (handle: typeof handleRestIngest, route: string, mediaType: "json" | "otlp") => ({
    handle,
    mediaType,
    writer: meteredWriter(room.writer, (events, commitSeconds) => metrics.ingested(route, events, commitSeconds)),
  });
  const ingestRoutes: Record<string, ReturnType<typeof ingestRoute>> = {
    "/events": ingestRoute(handleRestIngest, "/events", "json"),
    "/api/events": ingestRoute(handleRestIngest, "/api/events", "json"),
    "/hooks/claude": ingestRoute(handleClaudeHook, "/hooks/claude", "json"),
    "/v1/logs": ingestRoute(createOtlpHandler("logs"), "/v1/logs", "otlp"),
    "/v1/metrics": ingestRoute(createOtlpHandler("metrics"), "/v1/metrics", "otlp"),
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refusal = guard.check(req);
    if (refusal) return sendJson(res, refusal.status, { error: { code: refusal.code, message: refusal.message } });
    const url = req.url ?? "/";
    const pathname = url.split("?", 1)[0]!;
    if (pathname === "/healthz") return sendJson(res, 200, { ok: true });
    if (pathname.startsWith("/trpc/")) return trpcHandler(req, res);
    const ingest = ingestRoutes[pathname];
    if (ingest) {
      if (req.method !== "POST") return sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: `POST to ${pathname}` } });
      await httpAccess.authorizeIngest(req);
      if (ingest.mediaType === "json" && !isJsonContentType(req.headers["content-type"])) {
        req.resume();
        const message = `Content-Type must be application/json (or a +json type) in UTF-8, not ${JSON.stringify(req.headers["content-type"] ?? "")}`;
        return sendJson(res, 415, { error: { code: "UNSUPPORTED_MEDIA_TYPE", message, details: { field: "content-type" } } });
      }
      return void ingest.handle(ingest.writer, req, res, logError);
    }
    const exportMatch = /^\/api\/sessions\/([^/]+)\/export\.(ndjson|json|zip)$/.exec(pathname);
    if (exportMatch || pathname === "/metrics") {
      await httpAccess.authorize(req, "viewer", { allowQueryToken: true });
      if (req.method !== "GET") return sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: "GET only" } });
      if (exportMatch) return void handleExport(room, req, res, { encodedSessionId: exportMatch[1]!, format: exportMatch[2]! }, logError);
      return void metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(text);
        },
        (error: unknown) => sendError(res, error, logError),
      );
    }
    const respondMatch = /^\/events\/(\d+)\/respond$/.exec(pathname);
    if (respondMatch) {
      if (req.method !== "POST" && req.method !== "OPTIONS") return sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: `POST to ${pathname}` } });
      // The legacy dashboard cannot send headers: its ?token= stands for the Authorization header.
      const queryToken = new URL(url, "http://x").searchParams.get("token");
      if (queryToken && !req.headers.authorization) req.headers.authorization = `Bearer ${queryToken}`;
      return legacyDashboard.respond(req, res, respondMatch[1]!);
    }
    if (pathname === "/events/recent" || pathname === "/events/filter-options") {
      // The legacy dashboard cannot send headers (a plain fetch, a WebSocket URL): ?token= too.
      await httpAccess.authorize(req, "viewer", { allowQueryToken: true });
      if (legacyDashboard.handle(req, res, pathname)) return;
    }
    if (pathname.startsWith("/api/themes") && legacyThemes.handle(req, res, pathname)) return;
    const rest = restApi.match(req.method ?? "GET", pathname);
    if (rest && "route" in rest) return void restApi.handle(rest, req, res);
    if (rest) {
      res.setHeader("allow", rest.methodNotAllowed.join(", "));
      return sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: `${req.method} ${pathname}: use ${rest.methodNotAllowed.join(" or ")}` } });
    }
    if (req.method === "GET" && serveApiDocs(res, pathname)) return;
    if (pathname.startsWith("/api/")) return sendJson(res, 404, { error: { code: "NOT_FOUND", message: `no route ${pathname}` } });
    if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: "read-only" } });
    serveStatic(req, res);
  };
  const server = createServer({ keepAliveTimeout: 65_000 }, (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    res.once("finish", () => {
      const route = routeLabel(req.url ?? "/", (pathname) => {
        const rest = restApi.match(req.method ?? "GET", pathname);
        return rest && "route" in rest ? rest.route.template : undefined;
      });
      metrics.httpRequest(route, req.method ?? "", res.statusCode, (performance.now() - started) / 1000);
    });
    // Whatever a request does wrong, it gets an answer and the process lives.
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        logError(error);
        res.destroy();
      } else sendError(res, error, logError);
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  const wssHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext,
    keepAlive: { enabled: true, pingMs: 15_000, pongWaitMs: 10_000 },
    onError({ error, path, ctx }) {
      if (error.code === "INTERNAL_SERVER_ERROR" && !ctx) log.error({ err: error, path }, "subscription failed");
    },
  });
  // Admission control happens here, before the upgrade: tRPC's `prefix` is not a security check.
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = guard.check(req);
    const pathname = (req.url ?? "").split("?", 1)[0];
    const legacyStream = pathname === "/stream";
    if (refusal || (pathname !== "/trpc" && !legacyStream)) {
      const status = refusal?.status ?? 404;
      socket.end(`HTTP/1.1 ${status} ${refusal?.code ?? "NOT_FOUND"}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    if (legacyStream) {
      httpAccess.refusal(req, "viewer", { allowQueryToken: true }).then(
        (denied) => {
          if (denied) socket.end(`HTTP/1.1 ${domainErrorMap[denied.code].http} ${denied.code}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
          else legacyDashboard.upgrade(req, socket, head);
        },
        (error: unknown) => {
          logError(error);
          socket.destroy();
        },
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (error) {
    // E.g. the port is in use: release what was opened so the caller can report it and the process can end.
    wss.close();
    legacyDashboard.close();
    await room.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const displayHost = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${displayHost}:${port}`;
  log.info({ url, database: room.database.file, migrations: room.database.appliedMigrations }, "Rozet Control Room listening");

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    config,
    room,
    stats: liveStats,
    close() {
      closing ??= (async () => {
        server.close();
        wssHandler.broadcastReconnectNotification();
        // Give clients a moment to receive the notification before sockets go.
        await new Promise((resolve) => setTimeout(resolve, 50));
        for (const client of wss.clients) client.terminate();
        wss.close();
        legacyDashboard.close();
        server.closeAllConnections();
        await room.close();
        await audit.close();
      })();
      return closing;
    },
  };
}
