/**
 * A command's run log as a CI system shows it: its events grouped into runs (each tool call from `tool.started`
 * to `tool.finished`, with the `shell.output` it printed; the events between tool calls as notes), each run a list
 * of display lines with their ANSI colours, and a search over the lines' plain text. Pure: the LogView renders it.
 */
import { readPayload } from "@rozet/vocabulary";
import type { RunLogEvent } from "../api/types.ts";
import { ansiSegments, type AnsiSegment } from "./ansi.ts";

export type LogEvent = Pick<RunLogEvent, "seq" | "type" | "toolName" | "status" | "summary" | "receivedAt" | "payload">;

export interface LogLine {
  seq: number;
  stream: "stdout" | "stderr" | "info";
  segments: AnsiSegment[];
  /** The line without escape codes: what search and copy use. */
  text: string;
}

export interface RunGroup {
  /** The tool call id, or `seq-N` (the group's first event) for notes and calls without one. */
  id: string;
  kind: "tool" | "note";
  title: string;
  /** A tool run's outcome (`ok`, `error`, `cancelled`…), `running` until its `tool.finished`; notes: null. */
  status: string | null;
  firstSeq: number;
  startedAt: number;
  durationMs: number | null;
  lines: LogLine[];
}

const NOTE_TITLES: Record<string, string> = {
  "prompt.submitted": "Command",
  "message.assistant": "Agent",
  "message.thinking": "Agent",
  "turn.finished": "Result",
  "agent.failed": "Result",
  "agent.interrupted": "Result",
  "permission.requested": "Permission",
  "permission.answered": "Permission",
  usage: "Usage",
};

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** Output text as display lines: colours carried across line ends; the newline that ends the text opens no line. */
export function logLines(seq: number, stream: LogLine["stream"], output: string): LogLine[] {
  const lines: LogLine[] = [];
  let current: AnsiSegment[] = [];
  const close = () => {
    lines.push({ seq, stream, segments: current, text: current.map((s) => s.text).join("") });
    current = [];
  };
  for (const segment of ansiSegments(output.endsWith("\n") ? output.slice(0, -1) : output)) {
    const parts = segment.text.split("\n");
    parts.forEach((part, i) => {
      if (i > 0) close();
      if (part !== "") current.push({ ...segment, text: part });
    });
  }
  close();
  return lines;
}

/** The text a note event adds to the log: what the agent said, the result, or the event's summary. */
function noteText(event: LogEvent): string {
  const payload = record(event.payload);
  if (event.type === "prompt.submitted") return text(payload.text) ?? event.summary ?? "";
  if (event.type === "message.assistant") return text(payload.text) ?? event.summary ?? "";
  if (event.type === "turn.finished" || event.type === "agent.failed" || event.type === "agent.interrupted") {
    return [`${event.type}${event.status ? ` (${event.status})` : ""}`, text(payload.result) ?? ""].filter(Boolean).join(": ");
  }
  return event.summary ?? event.type;
}

function toolKey(payload: Record<string, unknown>): string | null {
  return text(payload.toolUseId) ?? text(payload.toolCallId);
}

export function groupRunLog(events: readonly LogEvent[]): RunGroup[] {
  const groups: RunGroup[] = [];
  const byTool = new Map<string, RunGroup>();
  /** Tool runs started and not yet finished, newest last: shell output belongs to the newest. */
  const open: RunGroup[] = [];
  const note = (event: LogEvent, title: string): RunGroup => {
    const last = groups.at(-1);
    if (last?.kind === "note" && last.title === title) return last;
    const group: RunGroup = { id: `seq-${event.seq}`, kind: "note", title, status: null, firstSeq: event.seq, startedAt: event.receivedAt, durationMs: null, lines: [] };
    groups.push(group);
    return group;
  };

  for (const event of events) {
    const payload = record(event.payload);
    const key = toolKey(payload);
    switch (event.type) {
      case "tool.started": {
        const group: RunGroup = {
          id: key ?? `seq-${event.seq}`,
          kind: "tool",
          title: event.summary ?? event.toolName ?? "tool",
          status: "running",
          firstSeq: event.seq,
          startedAt: event.receivedAt,
          durationMs: null,
          lines: [],
        };
        groups.push(group);
        open.push(group);
        if (key) byTool.set(key, group);
        break;
      }
      case "shell.output": {
        const read = readPayload("shell.output", event.payload);
        const group = open.at(-1) ?? note(event, "Output");
        if (read.ok && read.payload.text) group.lines.push(...logLines(event.seq, read.payload.stream, read.payload.text));
        else if (event.summary) group.lines.push(...logLines(event.seq, "info", event.summary));
        break;
      }
      case "tool.finished": {
        const group = (key ? byTool.get(key) : undefined) ?? open.at(-1);
        if (!group) {
          note(event, "Tool").lines.push(...logLines(event.seq, "info", event.summary ?? "tool finished"));
          break;
        }
        open.splice(open.indexOf(group), 1);
        group.status = event.status ?? "ok";
        group.durationMs = typeof payload.durationMs === "number" ? payload.durationMs : Math.max(0, event.receivedAt - group.startedAt);
        // Shell runs streamed their output already; the result's `output` is then only its tail.
        if (group.lines.length === 0 && text(payload.output)) group.lines.push(...logLines(event.seq, "stdout", text(payload.output)!));
        const error = text(payload.error) ?? text(payload.reason);
        if (error) group.lines.push(...logLines(event.seq, "info", error));
        break;
      }
      case "file.changed": {
        const group = (key ? byTool.get(key) : undefined) ?? open.at(-1) ?? note(event, "Files");
        group.lines.push(...logLines(event.seq, "info", event.summary ?? text(payload.path) ?? "file changed"));
        break;
      }
      case "tool.updated":
        break; // progress of an ACP call: its start and finish say what matters
      default: {
        const body = noteText(event);
        if (body) note(event, NOTE_TITLES[event.type] ?? event.type).lines.push(...logLines(event.seq, "info", body));
      }
    }
  }
  return groups;
}

export interface LogSearch {
  /** Per group id, the indexes of its matching lines. */
  matches: Map<string, number[]>;
  total: number;
}

/** Lines whose plain text contains `query` (case-insensitive); an empty query matches nothing. */
export function searchRunLog(groups: readonly RunGroup[], query: string): LogSearch {
  const needle = query.trim().toLowerCase();
  const matches = new Map<string, number[]>();
  let total = 0;
  if (!needle) return { matches, total };
  for (const group of groups) {
    const hits: number[] = [];
    group.lines.forEach((line, i) => {
      if (line.text.toLowerCase().includes(needle)) hits.push(i);
    });
    if (hits.length) {
      matches.set(group.id, hits);
      total += hits.length;
    }
  }
  return { matches, total };
}

/** A group (or the whole log) as plain text, for the clipboard. */
export function plainText(groups: readonly RunGroup[]): string {
  return groups.map((group) => [`## ${group.title}${group.status && group.status !== "running" ? ` (${group.status})` : ""}`, ...group.lines.map((l) => l.text)].join("\n")).join("\n\n");
}

/** Groups open by default: a run still going or one that did not end well, and the newest group. */
export function openByDefault(group: RunGroup, index: number, count: number): boolean {
  return index === count - 1 || group.status === "running" || (group.status !== null && group.status !== "ok");
}
