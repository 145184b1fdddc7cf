import type { IncomingMessage, ServerResponse } from "node:http";
import { ingestLimits, ingestReceipt, parseIngestText } from "@rozet/api";
import { readBodyText } from "./body.ts";
import { sendError, sendJson, type ErrorLog } from "./respond.ts";
import type { IngestWriter } from "./ingest-writer.ts";

/**
 * POST /events (the legacy hook URL) and POST /api/events: one event, an array, or `{ events }`. Answers only
 * after the events are committed. Kept off tRPC because it is the hottest path and other languages post here.
 */
export async function handleRestIngest(writer: IngestWriter, req: IncomingMessage, res: ServerResponse, log: ErrorLog) {
  try {
    const events = parseIngestText(await readBodyText(req, ingestLimits.maxRequestBytes));
    const results = await writer.append(events);
    sendJson(res, 200, ingestReceipt(results));
  } catch (error) {
    sendError(res, error, log);
  }
}
