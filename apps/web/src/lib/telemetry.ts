/**
 * Telemetry to the server (`system.telemetry`, counted on GET /metrics): how long the page took to load and
 * whether the operator's commands succeeded. Fire-and-forget: telemetry never gets in the operator's way.
 */
import type { Api, TelemetryInput } from "../api/types.ts";

export function sendTelemetry(api: Api, input: TelemetryInput): void {
  void api.system.telemetry.mutate(input).catch(() => undefined);
}

/** Milliseconds from navigation start to now (or to the load event when it has happened). */
export function pageLoadDuration(): number | null {
  if (typeof performance === "undefined") return null;
  const [nav] = performance.getEntriesByType?.("navigation") ?? [];
  const entry = nav as PerformanceNavigationTiming | undefined;
  if (entry && entry.loadEventEnd > 0) return Math.round(entry.loadEventEnd - entry.startTime);
  return Math.round(performance.now());
}

/** Runs an operator command and reports its outcome and duration as `{ kind: "command", name, ok, durationMs }`. */
export async function timedCommand<T>(api: Api, name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const result = await run();
    sendTelemetry(api, { kind: "command", name, ok: true, durationMs: Math.round(performance.now() - started) });
    return result;
  } catch (error) {
    sendTelemetry(api, { kind: "command", name, ok: false, durationMs: Math.round(performance.now() - started) });
    throw error;
  }
}
