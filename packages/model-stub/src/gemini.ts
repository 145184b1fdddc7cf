import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { DEFAULT_USAGE, fillPlaceholders, type IdSource, type Placeholders } from './message.ts';
import { findCwd, type RequestFacts } from './request.ts';
import { pause, streamFrames, type RespondOptions } from './respond.ts';
import type { ContentBlockSpec, ScriptedResponse } from './scenario.ts';
import { chunk } from './sse.ts';

// The Gemini API (`POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`), enough for
// Gemini CLI: the same scenario steps answer it, text blocks becoming `text` parts and tool_use blocks `functionCall`
// parts (args = the input). A stream is a series of whole GenerateContentResponse objects (`data: {…}` frames, no
// event names); text is split over several of them, a function call is never split, and the last one carries
// `finishReason` and `usageMetadata`.

const part = z.looseObject({ text: z.string().optional(), thought: z.boolean().optional() });
const content = z.looseObject({ role: z.string().optional(), parts: z.array(part).default([]) });

export const geminiRequestSchema = z.looseObject({
  contents: z.array(content),
  systemInstruction: z.union([z.string(), content]).optional(),
  tools: z.array(z.looseObject({ functionDeclarations: z.array(z.looseObject({ name: z.string() })).optional() })).optional(),
});

export type GeminiRequest = z.infer<typeof geminiRequestSchema>;
type Content = z.infer<typeof content>;

/** `/v1beta/models/gemini-2.5-pro:streamGenerateContent` → model and method (the API version is not checked). */
const ROUTE = /^\/v1[a-z0-9]*\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens';

export function geminiRoute(pathname: string): { model: string; method: GeminiMethod } | undefined {
  const hit = ROUTE.exec(pathname);
  if (!hit) return undefined;
  return { model: decodeURIComponent(hit[1]!), method: hit[2] as GeminiMethod };
}

function partTexts(item: Content): string[] {
  return item.parts.flatMap((p) => (typeof p.text === 'string' && !p.thought ? [p.text] : []));
}

// Gemini CLI sends its session context (date, OS, directory listing) as the first user message.
function isContext(text: string): boolean {
  return text.trimStart().startsWith('<session_context>');
}

export function geminiRequestFacts(body: GeminiRequest, model: string, stream: boolean): RequestFacts {
  const instruction = body.systemInstruction;
  const systemText = typeof instruction === 'string' ? instruction : instruction ? partTexts(instruction).join('\n') : '';
  let lastUserText = '';
  for (let i = body.contents.length - 1; i >= 0 && !lastUserText; i--) {
    const item = body.contents[i]!;
    if (item.role !== undefined && item.role !== 'user') continue;
    lastUserText = partTexts(item).filter((text) => !isContext(text)).join('\n');
  }
  const toolNames = (body.tools ?? []).flatMap((tool) => (tool.functionDeclarations ?? []).map((declaration) => declaration.name));
  return {
    model,
    stream,
    hasTools: toolNames.length > 0,
    toolNames,
    systemText,
    lastUserText,
    cwd: findCwd([systemText, ...body.contents.flatMap(partTexts)]),
  };
}

type GeminiPart = { text: string } | { functionCall: { id: string; name: string; args: Record<string, unknown> } };

interface GeminiChunk {
  candidates: Array<{ content: { role: 'model'; parts: GeminiPart[] }; index: 0; finishReason?: string }>;
  usageMetadata?: { promptTokenCount: number; candidatesTokenCount: number; totalTokenCount: number };
  modelVersion: string;
  responseId: string;
}

const FINISH_REASON: Record<string, string> = { max_tokens: 'MAX_TOKENS', refusal: 'SAFETY' };

function toParts(spec: ContentBlockSpec, ids: IdSource, values: Placeholders, stream: boolean): GeminiPart[] {
  if ('text' in spec) {
    const text = fillPlaceholders(spec.text, values);
    return stream ? chunk(text, TEXT_CHUNK).map((piece) => ({ text: piece })) : [{ text }];
  }
  return [{ functionCall: { id: ids.toolUse().replace('toolu_', 'fc_'), name: spec.tool_use.name, args: fillPlaceholders(spec.tool_use.input, values) } }];
}

const TEXT_CHUNK = 24;
const FILLER: ContentBlockSpec[] = [{ text: 'stub: this response will break off part way through.' }];

/**
 * The response as the chunks a stream sends, one part each (a non-streaming answer is all parts in one chunk).
 * The last chunk carries the finish reason and the usage.
 */
export function geminiChunks(response: ScriptedResponse, opts: { model: string; ids: IdSource; placeholders: Placeholders; stream: boolean }): GeminiChunk[] {
  const parts = (response.content ?? FILLER).flatMap((spec) => toParts(spec, opts.ids, opts.placeholders, opts.stream));
  const groups = opts.stream ? parts.map((p) => [p]) : [parts];
  const usage = response.usage ?? DEFAULT_USAGE;
  const responseId = opts.ids.message().replace('msg_', 'resp_');
  return groups.map((group, index) => {
    const last = index === groups.length - 1;
    const candidate = { content: { role: 'model' as const, parts: group }, index: 0 as const };
    return {
      candidates: [last ? { ...candidate, finishReason: FINISH_REASON[response.stopReason ?? ''] ?? 'STOP' } : candidate],
      ...(last
        ? { usageMetadata: { promptTokenCount: usage.input_tokens, candidatesTokenCount: usage.output_tokens, totalTokenCount: usage.input_tokens + usage.output_tokens } }
        : {}),
      modelVersion: opts.model,
      responseId,
    };
  });
}

const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Google API error bodies: {"error":{"code","message","status"}}. */
export function googleErrorBody(code: number, status?: string, message?: string): Record<string, unknown> {
  return { error: { code, message: message ?? `stub: HTTP ${code}`, status: status ?? GOOGLE_STATUS[code] ?? (code >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT') } };
}

export function sendGoogleJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function frame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\r\n\r\n`;
}

/** One scripted response to a generateContent / streamGenerateContent exchange (same delay, error, cut and stream-error keys). */
export async function respondGemini(res: ServerResponse, response: ScriptedResponse, opts: RespondOptions): Promise<void> {
  if (!(await pause(response.delayMs, opts.signal))) return;

  if (response.error) {
    const { status, type, message } = response.error;
    sendGoogleJson(res, status, googleErrorBody(status, type, message));
    return;
  }

  const model = opts.model ?? DEFAULT_GEMINI_MODEL;
  const chunks = geminiChunks(response, { model, ids: opts.ids, placeholders: opts.placeholders, stream: opts.stream });
  const { cutStreamAfterChunks: cutAt, streamError } = response;
  const failed = streamError ? googleErrorBody(503, 'UNAVAILABLE', streamError.message) : undefined;

  if (!opts.stream) {
    if (cutAt !== undefined) res.destroy();
    else if (failed) sendGoogleJson(res, 503, failed);
    else sendGoogleJson(res, 200, chunks[0]);
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  // A stream error is an error object in a data frame, as the API sends one mid-stream; the stream then ends.
  await streamFrames(res, chunks.map(frame), response, failed ? frame(failed) : '', opts.signal);
}

export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-pro';
