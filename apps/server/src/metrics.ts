import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Telemetry } from "@rozet/api";
import type { ControlMessage, ControlRoom } from "@rozet/orchestrator";

/** Latency buckets (seconds) from a fast local call to a slow turn of an agent. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const BATCH_BUCKETS = [1, 2, 5, 10, 50, 100, 250, 500, 1000];
/** Sessions whose cost and tokens are exported (the most recently updated active ones: bounded label count). */
const MAX_SESSIONS_EXPORTED = 500;

const seconds = (from: string | null | undefined, to: string | null | undefined): number | undefined => {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
};

/** Who answered a permission, as a bounded label: operator, rule, timeout, agent, session-allow. */
const answeredByKind = (answeredBy: string | null | undefined) => (answeredBy ?? "unknown").split(":", 1)[0]!.slice(0, 32);

/**
 * Prometheus metrics (GET /metrics, docs/operations.md) and the sink for the page's telemetry. Lifecycle latencies
 * come from the control feed (the rows' own timestamps), database figures are read when scraped.
 */
export function createMetrics(room: ControlRoom, live: () => { websocketClients: number; websocketBufferedBytes: number }) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: "rozet_" });
  const eventsStored = new Counter({ name: "rozet_events_stored_total", help: "Events committed to the database", registers });

  // HTTP
  const httpRequests = new Counter({ name: "rozet_http_requests_total", help: "HTTP requests by route, method and status", labelNames: ["route", "method", "status"], registers });
  const httpDuration = new Histogram({ name: "rozet_http_request_duration_seconds", help: "HTTP request latency by route", labelNames: ["route"], buckets: LATENCY_BUCKETS, registers });

  // Ingest and the write queue
  const ingestEvents = new Counter({ name: "rozet_ingest_events_total", help: "Events accepted by ingest, by route", labelNames: ["route"], registers });
  const ingestBatch = new Histogram({ name: "rozet_ingest_batch_events", help: "Events per ingest request, by route", labelNames: ["route"], buckets: BATCH_BUCKETS, registers });
  const commitLatency = new Histogram({
    name: "rozet_write_commit_seconds",
    help: "Ingest events from queueing to durable commit (queue wait, group-commit transaction, WAL sync)",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  new Gauge({ name: "rozet_write_backlog_events", help: "Events waiting for the group commit", registers, collect() { this.set(room.writer.backlog); } });

  // Live clients
  new Gauge({ name: "rozet_websocket_clients", help: "Open WebSocket connections", registers, collect() { this.set(live().websocketClients); } });
  new Gauge({ name: "rozet_websocket_buffered_bytes", help: "Bytes queued to slow WebSocket clients", registers, collect() { this.set(live().websocketBufferedBytes); } });
  const subscriptionLag = new Histogram({
    name: "rozet_subscription_lag_seconds",
    help: "From an event's receipt to its delivery to a live subscriber",
    buckets: LATENCY_BUCKETS,
    registers,
  });

  // Commands, interrupts, permissions (from the control feed)
  const commandLatency = new Histogram({
    name: "rozet_command_latency_seconds",
    help: "Command latency by kind and stage: queued→accepted, queued→started, queued→finished (label outcome on finished)",
    labelNames: ["kind", "stage", "outcome"],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const interruptLatency = new Histogram({ name: "rozet_interrupt_seconds", help: "Interrupt requested → agent interrupted", buckets: LATENCY_BUCKETS, registers });
  const permissionWait = new Histogram({
    name: "rozet_permission_wait_seconds",
    help: "Permission request → answer, by outcome and who answered",
    labelNames: ["outcome", "answered_by"],
    buckets: LATENCY_BUCKETS,
    registers,
  });

  // Read from the database when scraped
  new Gauge({
    name: "rozet_agents",
    help: "Agents by status and driver",
    labelNames: ["status", "driver"],
    registers,
    async collect() {
      const groups = await room.prisma.agent.groupBy({ by: ["status", "driver"], _count: { _all: true } });
      this.reset();
      for (const group of groups) this.set({ status: group.status, driver: group.driver }, group._count._all);
    },
  });
  const sessionSpend = async () => {
    const sessions = await room.prisma.session.findMany({ where: { status: "active" }, select: { id: true, name: true }, orderBy: { updatedAt: "desc" }, take: MAX_SESSIONS_EXPORTED });
    return Promise.all(sessions.map(async (session) => ({ session, stats: await room.events.stats(session.id) })));
  };
  new Gauge({
    name: "rozet_session_cost_usd",
    help: "Cost so far by active session (USD)",
    labelNames: ["session_id", "session"],
    registers,
    async collect() {
      const spend = await sessionSpend();
      this.reset();
      for (const { session, stats } of spend) this.set({ session_id: session.id, session: session.name }, stats.costUsd);
    },
  });
  new Gauge({
    name: "rozet_session_tokens",
    help: "Tokens so far by active session and direction",
    labelNames: ["session_id", "session", "direction"],
    registers,
    async collect() {
      const spend = await sessionSpend();
      this.reset();
      for (const { session, stats } of spend) {
        this.set({ session_id: session.id, session: session.name, direction: "input" }, stats.inputTokens);
        this.set({ session_id: session.id, session: session.name, direction: "output" }, stats.outputTokens);
      }
    },
  });

  // The web app's own telemetry
  const pageLoad = new Histogram({ name: "rozet_ui_page_load_seconds", help: "Page load time reported by the web app", buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10], registers });
  const uiCommands = new Counter({ name: "rozet_ui_commands_total", help: "Commands sent from the web app, by outcome", labelNames: ["name", "ok"], registers });

  // Counted per committed batch, not per event; events another replica stored are counted there.
  room.bus.subscribe("events", (batch, origin) => {
    if (origin === "local") eventsStored.inc(batch.length);
  });
  room.bus.subscribe("control", ({ update }) => observeLifecycle(update as ControlMessage));

  function observeLifecycle(update: ControlMessage): void {
    if (update.entity === "command" && update.data) {
      const command = update.data;
      const stage =
        update.status === "accepted" ? { stage: "accepted", at: command.acceptedAt }
        : update.status === "running" ? { stage: "started", at: command.startedAt }
        : ["completed", "failed", "cancelled"].includes(update.status ?? "") ? { stage: "finished", at: command.finishedAt }
        : undefined;
      const latency = stage && seconds(command.createdAt, stage.at);
      if (stage && latency !== undefined) {
        commandLatency.observe({ kind: command.kind, stage: stage.stage, outcome: stage.stage === "finished" ? command.status : "" }, latency);
        if (command.kind === "interrupt" && stage.stage === "finished") interruptLatency.observe(latency);
      }
    }
    if (update.entity === "permission" && update.data && update.data.status !== "pending") {
      const latency = seconds(update.data.createdAt, update.data.answeredAt);
      if (latency !== undefined) permissionWait.observe({ outcome: update.data.status, answered_by: answeredByKind(update.data.answeredBy) }, latency);
    }
  }

  const telemetry: Telemetry = {
    record(event) {
      if (event.kind === "page_load") pageLoad.observe(event.durationMs / 1000);
      else uiCommands.inc({ name: event.name, ok: String(event.ok) });
    },
    liveEventSent(lagMs) {
      subscriptionLag.observe(Math.max(0, lagMs) / 1000);
    },
  };

  return {
    registry,
    telemetry,
    /** One answered HTTP request. */
    httpRequest(route: string, method: string, status: number, durationSeconds: number) {
      httpRequests.inc({ route, method, status: String(status) });
      httpDuration.observe({ route }, durationSeconds);
    },
    /** One ingest request's events, committed after `commitSeconds`. */
    ingested(route: string, events: number, commitSeconds: number) {
      ingestEvents.inc({ route }, events);
      ingestBatch.observe({ route }, events);
      commitLatency.observe(commitSeconds);
    },
  };
}
