import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { once } from "node:events";
import { ZipArchive } from "archiver";
import { boundedPayload, longLoopTurns } from "@rozet/api";
import { type FullEvent } from "@rozet/db";
import { DomainError, notFound } from "@rozet/vocabulary";
import { getTask, type ControlRoom } from "@rozet/orchestrator";
import { z } from "zod";
import { sendError, type ErrorLog } from "./respond.ts";
import { decodeUrlPart } from "./url-parts.ts";

const EXPORT_PAGE = 500;

const exportQuery = z.object({
  agentId: z.string().min(1).max(200).optional(),
  taskId: z.string().min(1).max(200).optional(),
  types: z
    .string()
    .max(2_000)
    .transform((s) => s.split(",").map((t) => t.trim()).filter(Boolean))
    .optional(),
  text: z.string().min(1).max(200).optional(),
});

/** A download name made only of safe characters, whatever the session was called. */
export function safeFileName(name: string, id: string, extension: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "session";
  return `rozet-${slug}-${id.slice(0, 8)}.${extension}`;
}

/** Every matching event, page by page from the database: memory stays at one page whatever the session size. */
async function* matchingEvents(room: ControlRoom, sessionId: string, filter: z.output<typeof exportQuery>): AsyncGenerator<FullEvent> {
  let after = 0;
  for (;;) {
    const page = await room.events.exportPage({ sessionId, after, limit: EXPORT_PAGE, agentId: filter.agentId, taskId: filter.taskId, types: filter.types, text: filter.text });
    for (const event of page) {
      // A fast client never makes write() wait, so without turns an export held the event loop to the end.
      await longLoopTurns.pause();
      yield event;
    }
    if (page.length < EXPORT_PAGE) return;
    after = page.at(-1)!.seq;
  }
}

/** One event as a JSON line; a payload too deep to serialize (an old row) is replaced by a note. */
function eventJson(event: FullEvent): string {
  return JSON.stringify({ ...event, payload: boundedPayload(event.payload) });
}

async function write(res: ServerResponse, chunk: string): Promise<void> {
  // Respect the client's pace: a slow download must not pile the session up in memory.
  if (!res.write(chunk)) await once(res, "drain");
}

/**
 * GET /api/sessions/:id/export.ndjson | export.json | export.zip — streamed, with the timeline's filters
 * (agentId, taskId, types=a,b, text). The zip holds events.ndjson, the session's records and per-agent logs.
 */
export async function handleExport(room: ControlRoom, req: IncomingMessage, res: ServerResponse, params: { encodedSessionId: string; format: string }, log: ErrorLog) {
  try {
    const url = new URL(req.url ?? "/", "http://x");
    const parsed = exportQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) throw new DomainError("INVALID_INPUT", `bad export filter: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const sessionId = decodeUrlPart(params.encodedSessionId, "session id");
    const session = await room.prisma.session.findUnique({ where: { id: sessionId } });
    if (!session) throw notFound("session", sessionId);
    const filter = parsed.data;
    // A task of another session (or none) is a 404 naming it, as in event.timeline: not an empty file.
    if (filter.taskId && (await getTask(room, { id: filter.taskId })).sessionId !== session.id) throw notFound("task", `${filter.taskId} in session ${session.id}`);
    await room.writer.flushNow();
    const headers = (type: string, ext: string) => ({
      "content-type": type,
      "content-disposition": `attachment; filename="${safeFileName(session.name, session.id, ext)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    if (params.format === "ndjson") {
      res.writeHead(200, headers("application/x-ndjson; charset=utf-8", "ndjson"));
      for await (const event of matchingEvents(room, session.id, filter)) await write(res, `${eventJson(event)}\n`);
      res.end();
      return;
    }
    if (params.format === "json") {
      res.writeHead(200, headers("application/json; charset=utf-8", "json"));
      await write(res, "[");
      let first = true;
      for await (const event of matchingEvents(room, session.id, filter)) {
        await write(res, `${first ? "" : ","}\n${eventJson(event)}`);
        first = false;
      }
      res.end("\n]\n");
      return;
    }
    if (params.format === "zip") {
      res.writeHead(200, headers("application/zip", "zip"));
      const zip = new ZipArchive({ zlib: { level: 6 } });
      zip.on("warning", log);
      // A failing entry (a read error mid-stream) must end this download, never reach the process as an unhandled 'error'.
      zip.on("error", (error) => endAfterFailure(res, error, log));
      zip.pipe(res);
      const agents = await room.prisma.agent.findMany({ where: { sessionId: session.id } });
      const [tasks, commands, permissions] = await Promise.all([
        room.prisma.task.findMany({ where: { sessionId: session.id } }),
        room.prisma.command.findMany({ where: { agentId: { in: agents.map((a) => a.id) } } }),
        room.prisma.permissionRequest.findMany({ where: { sessionId: session.id } }),
      ]);
      zip.append(JSON.stringify({ session, agents, tasks, commands, permissions }, null, 2), { name: "session.json" });
      // Entries are read later, while archiver works through its queue: a read error there must end the entry
      // (logged), not surface as an 'error' on a stream nobody listens to yet.
      const entry = (lines: AsyncIterable<string>) => Readable.from(endOnError(lines, log));
      zip.append(entry(ndjsonLines(matchingEvents(room, session.id, filter))), { name: "events.ndjson" });
      for (const agent of agents) {
        const logName = `logs/${safeFileName(agent.name, agent.id, "log")}`;
        zip.append(entry(agentLog(matchingEvents(room, session.id, { agentId: agent.id, types: ["shell.output", "tool.finished", "agent.failed"] }))), { name: logName });
      }
      await zip.finalize();
      return;
    }
    throw notFound("export format", params.format);
  } catch (error) {
    if (res.headersSent) return endAfterFailure(res, error, log);
    sendError(res, error, log);
  }
}

/** Mid-stream the status is already sent: log the failure and end the response cleanly (never rethrow). */
function endAfterFailure(res: ServerResponse, error: unknown, log: ErrorLog): void {
  log(error);
  if (!res.writableEnded) res.end();
}

/** The lines of `source` until it fails; the failure is logged and the lines simply end. */
async function* endOnError(source: AsyncIterable<string>, log: ErrorLog): AsyncGenerator<string> {
  try {
    yield* source;
  } catch (error) {
    log(error);
  }
}

async function* ndjsonLines(events: AsyncIterable<FullEvent>) {
  for await (const event of events) yield `${eventJson(event)}\n`;
}

/** A readable log of what an agent printed: shell output and tool results, in order. */
async function* agentLog(events: AsyncIterable<FullEvent>) {
  for await (const event of events) {
    const payload = (event.payload ?? {}) as Record<string, unknown>;
    const time = new Date(event.receivedAt).toISOString();
    if (event.type === "shell.output" && typeof payload.text === "string") yield payload.text;
    else yield `\n[${time}] ${event.type}${event.toolName ? ` ${event.toolName}` : ""}: ${event.summary ?? ""}\n${typeof payload.output === "string" ? `${payload.output}\n` : ""}`;
  }
}
