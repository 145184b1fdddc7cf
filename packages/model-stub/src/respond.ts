import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorBody } from './errors.ts';
import { buildMessage, type IdSource, type Placeholders } from './message.ts';
import type { ScriptedResponse } from './scenario.ts';
import { errorEvent, formatSse, messageEvents } from './sse.ts';

// Writes one scripted response to a POST /v1/messages exchange: delay, then an HTTP error,
// a full message (stream:false) or an SSE stream that may be slowed, cut or broken by an error event.

export interface RespondOptions {
  stream: boolean;
  model: string | undefined;
  ids: IdSource;
  placeholders: Placeholders;
  /** Aborted when the client goes away, so a long delay does not outlive its request. */
  signal: AbortSignal;
}

const STATUS_BY_ERROR_TYPE: Record<string, number> = { overloaded_error: 529, rate_limit_error: 429, api_error: 500 };

/** Resolves false if the client went away while waiting. */
export async function pause(ms: number | undefined, signal: AbortSignal): Promise<boolean> {
  if (!ms) return !signal.aborted;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

// Resolves once the chunk is handed to the OS, so a following destroy() cannot drop it.
export function write(res: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => res.write(text, () => resolve()));
}

export function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': requestId,
  });
  res.end(text);
}

export async function respond(res: ServerResponse, response: ScriptedResponse, opts: RespondOptions): Promise<void> {
  if (!(await pause(response.delayMs, opts.signal))) return;
  const requestId = opts.ids.request();

  if (response.error) {
    const { status, type, message } = response.error;
    sendJson(res, status, errorBody(status, type, message), requestId);
    return;
  }

  const message = buildMessage(response, opts);
  const { cutStreamAfterChunks: cutAt, streamError } = response;

  if (!opts.stream) {
    if (cutAt !== undefined) {
      res.destroy();
    } else if (streamError) {
      const status = STATUS_BY_ERROR_TYPE[streamError.type] ?? 500;
      sendJson(res, status, errorBody(status, streamError.type, streamError.message), requestId);
    } else {
      sendJson(res, 200, message, requestId);
    }
    return;
  }

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'request-id': requestId,
  });
  res.flushHeaders();

  const frames = messageEvents(message).map(formatSse);
  await streamFrames(res, frames, response, streamError ? formatSse(errorEvent(streamError.type, streamError.message)) : '', opts.signal);
}

/**
 * Writes a stream's frames with the scripted `chunkDelayMs` between them, destroying the socket after
 * `cutStreamAfterChunks` frames or ending with `errorFrame` after `streamError.afterChunks`. A cut or error point
 * past the last frame still happens, right after it.
 */
export async function streamFrames(res: ServerResponse, frames: readonly string[], response: ScriptedResponse, errorFrame: string, signal: AbortSignal): Promise<void> {
  const { cutStreamAfterChunks: cutAt, streamError } = response;
  for (let i = 0; i <= frames.length; i++) {
    if (cutAt === i) {
      res.destroy();
      return;
    }
    if (streamError?.afterChunks === i) {
      res.end(errorFrame);
      return;
    }
    const frame = frames[i];
    if (frame === undefined) break;
    await write(res, frame);
    if (i < frames.length - 1 && !(await pause(response.chunkDelayMs, signal))) return;
  }
  if (cutAt !== undefined) res.destroy();
  else if (streamError) res.end(errorFrame);
  else res.end();
}
