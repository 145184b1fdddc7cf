/**
 * The terminal-ish text an event carries (shell output, tool results, hook output, a turn's result), for the
 * inspector's Logs tab. Catalogue types are read through their schema (`readPayload`); a type outside the
 * catalogue, or a stored payload that does not match its type, falls back to any `output`/`stdout`/`stderr` text.
 */
import { isEventType, readPayload } from "@rozet/vocabulary";

export interface LogText {
  label: string;
  text: string;
}

function collect(entries: [label: string, value: unknown][]): LogText[] {
  const out: LogText[] = [];
  for (const [label, value] of entries) {
    const text = typeof value === "string" ? value : value !== undefined && value !== null && typeof value === "object" ? JSON.stringify(value, null, 2) : null;
    if (text) out.push({ label, text });
  }
  return out;
}

function fromCatalogue(type: string, payload: unknown): LogText[] | undefined {
  switch (type) {
    case "shell.output": {
      const read = readPayload("shell.output", payload);
      return read.ok ? collect([[read.payload.stream, read.payload.text]]) : undefined;
    }
    case "tool.finished": {
      const read = readPayload("tool.finished", payload);
      return read.ok ? collect([["Output", read.payload.output]]) : undefined;
    }
    case "hook.failed": {
      const read = readPayload("hook.failed", payload);
      return read.ok ? collect([["stdout", read.payload.stdout], ["stderr", read.payload.stderr]]) : undefined;
    }
    case "turn.finished":
    case "agent.failed":
    case "agent.interrupted": {
      const read = readPayload(type, payload);
      return read.ok ? collect([["Result", read.payload.result]]) : undefined;
    }
    default:
      return undefined;
  }
}

export function eventLogs(type: string, payload: unknown): LogText[] {
  const known = isEventType(type) ? fromCatalogue(type, payload) : undefined;
  if (known) return known;
  const p = payload !== null && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  return collect([["Output", p.output], ["stdout", p.stdout], ["stderr", p.stderr]]);
}
