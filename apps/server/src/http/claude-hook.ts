import type { IncomingMessage, ServerResponse } from "node:http";
import { ingestLimits, parseIngestEvent, parseJsonText } from "@rozet/api";
import { newEventId } from "@rozet/db";
import { DomainError } from "@rozet/vocabulary";
import { readBodyText } from "./body.ts";
import { sendError, sendJson, type ErrorLog } from "./respond.ts";
import type { IngestWriter } from "./ingest-writer.ts";

/**
 * POST /hooks/claude?app=NAME: a raw Claude Code hook payload, as HTTP hooks and `rozet hook` send it. Wrapped
 * into the legacy shape (source_app = app, session_id and hook_event_type from the payload). Answers `{}` because
 * Claude Code reads an HTTP hook's response body as hook output; an empty object changes nothing. Optional
 * `event=ID` (idempotency: the same id is stored once) and `at=MS` (when it happened), as `rozet hook` sends.
 */
export async function handleClaudeHook(writer: IngestWriter, req: IncomingMessage, res: ServerResponse, log: ErrorLog) {
  try {
    const url = new URL(req.url ?? "/", "http://x");
    const payload = parseJsonText(await readBodyText(req, ingestLimits.maxRequestBytes));
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
      throw new DomainError("INVALID_INPUT", "hook payload must be a JSON object");
    }
    const hook = payload as Record<string, unknown>;
    const agentId = url.searchParams.get("agent");
    // `rozet hook` names each event (so a resent spooled one is stored once) and says when it happened.
    const eventId = url.searchParams.get("event");
    const at = Number(url.searchParams.get("at"));
    const event = parseIngestEvent({
      ...(agentId || eventId ? { schema_version: 2, event_id: eventId ?? newEventId(), ...(agentId ? { agent_id: agentId } : {}) } : {}),
      source_app: url.searchParams.get("app") ?? (typeof hook.cwd === "string" ? hook.cwd.split("/").pop() || "claude" : "claude"),
      session_id: hook.session_id,
      hook_event_type: hook.hook_event_name,
      payload: hook,
      timestamp: Number.isFinite(at) && at > 0 ? at : Date.now(),
      ...(typeof hook.model === "string" ? { model_name: hook.model } : {}),
    });
    await writer.append([event]);
    sendJson(res, 200, {});
  } catch (error) {
    sendError(res, error, log);
  }
}
