import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Telemetry } from "@rozet/api";
import type { ControlRoom } from "@rozet/orchestrator";

/** Prometheus metrics (GET /metrics) and the sink for the page's telemetry. */
export function createMetrics(room: ControlRoom, live: () => { websocketClients: number; websocketBufferedBytes: number }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "rozet_process_" });
  const eventsStored = new Counter({ name: "rozet_events_stored_total", help: "Events committed to the database", registers: [registry] });
  const pageLoad = new Histogram({
    name: "rozet_ui_page_load_seconds",
    help: "Page load time reported by the web app",
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  const uiCommands = new Counter({ name: "rozet_ui_commands_total", help: "Commands sent from the web app, by outcome", labelNames: ["name", "ok"], registers: [registry] });
  new Gauge({
    name: "rozet_write_backlog_events",
    help: "Events waiting for the group commit",
    registers: [registry],
    collect() {
      this.set(room.writer.backlog);
    },
  });
  new Gauge({
    name: "rozet_websocket_clients",
    help: "Open WebSocket connections",
    registers: [registry],
    collect() {
      this.set(live().websocketClients);
    },
  });
  new Gauge({
    name: "rozet_websocket_buffered_bytes",
    help: "Bytes queued to slow WebSocket clients",
    registers: [registry],
    collect() {
      this.set(live().websocketBufferedBytes);
    },
  });
  // Counted per committed batch, not per event.
  room.bus.subscribe("events", (batch) => eventsStored.inc(batch.length));

  const telemetry: Telemetry = {
    record(event) {
      if (event.kind === "page_load") pageLoad.observe(event.durationMs / 1000);
      else uiCommands.inc({ name: event.name, ok: String(event.ok) });
    },
  };
  return { registry, telemetry };
}
