import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { DEFAULT_USAGE, fillPlaceholders, type IdSource, type Placeholders } from './message.ts';
import type { RequestFacts } from './request.ts';
import { pause, streamFrames, type RespondOptions } from './respond.ts';
import type { ContentBlockSpec, ScriptedResponse } from './scenario.ts';
import { chunk, formatSse, type SseEvent } from './sse.ts';

// The OpenAI Responses API (`POST /v1/responses`), enough for Codex (codex-acp, `codex exec`): the same scenario
// steps answer it, text blocks becoming `message` output items and tool_use blocks `function_call` items whose
// `arguments` are the input as JSON. Streaming follows the real event order: response.created → per item
// output_item.added, deltas, output_item.done → response.completed (with usage).

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const inputItem = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content: z.union([z.string(), z.array(contentPart)]).optional(),
});

export const responsesRequestSchema = z.looseObject({
  model: z.string().optional(),
  stream: z.boolean().optional(),
  instructions: z.string().nullish(),
  input: z.union([z.string(), z.array(inputItem)]),
  tools: z.array(z.unknown()).optional(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
type InputItem = z.infer<typeof inputItem>;

/** Codex sends its environment as `<environment_context><cwd>/abs</cwd>…` in a user message. */
const CWD_TAG = /<cwd>\s*([^<\n]+?)\s*<\/cwd>/;

function itemTexts(item: InputItem): string[] {
  if (typeof item.content === 'string') return [item.content];
  return (item.content ?? []).flatMap((part) => (typeof part.text === 'string' ? [part.text] : []));
}

// Context blocks Codex adds as user messages; they are not what the user typed.
function isContext(text: string): boolean {
  const head = text.trimStart();
  return head.startsWith('<environment_context>') || head.startsWith('<user_instructions>') || head.startsWith('# AGENTS.md') || head.startsWith('<permissions');
}

function toolName(tool: unknown): string | undefined {
  if (!tool || typeof tool !== 'object') return undefined;
  const record = tool as Record<string, unknown>;
  if (typeof record.name === 'string') return record.name;
  return typeof record.type === 'string' ? record.type : undefined;
}

export function responsesRequestFacts(body: ResponsesRequest): RequestFacts {
  const items: InputItem[] = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input;
  const messages = items.filter((item) => item.type === undefined || item.type === 'message');
  const system = [body.instructions ?? '', ...messages.filter((m) => m.role === 'system' || m.role === 'developer').flatMap(itemTexts)].join('\n');
  let lastUserText = '';
  for (let i = messages.length - 1; i >= 0 && !lastUserText; i--) {
    if (messages[i]?.role !== 'user') continue;
    lastUserText = itemTexts(messages[i]!).filter((text) => !isContext(text)).join('\n');
  }
  let cwd: string | undefined;
  for (const text of [system, ...messages.flatMap(itemTexts)]) {
    const hit = CWD_TAG.exec(text);
    if (hit) {
      cwd = hit[1];
      break;
    }
  }
  const tools = body.tools ?? [];
  return {
    model: body.model,
    stream: body.stream === true,
    hasTools: tools.length > 0,
    toolNames: tools.flatMap((tool) => toolName(tool) ?? []),
    systemText: system,
    lastUserText,
    cwd,
  };
}

type OutputItem =
  | { type: 'message'; id: string; role: 'assistant'; status: 'completed'; content: Array<{ type: 'output_text'; text: string; annotations: [] }> }
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: 'completed' };

interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  model: string;
  status: 'completed' | 'incomplete';
  incomplete_details: { reason: string } | null;
  output: OutputItem[];
  usage: {
    input_tokens: number;
    input_tokens_details: { cached_tokens: number };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: number };
    total_tokens: number;
  };
}

export const DEFAULT_RESPONSES_MODEL = 'gpt-5';

function toItem(spec: ContentBlockSpec, ids: IdSource, values: Placeholders): OutputItem {
  if ('text' in spec) {
    const text = fillPlaceholders(spec.text, values);
    return { type: 'message', id: ids.message(), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
  }
  const input = fillPlaceholders(spec.tool_use.input, values);
  const n = ids.toolUse();
  return { type: 'function_call', id: n.replace('toolu_', 'fc_'), call_id: n.replace('toolu_', 'call_'), name: spec.tool_use.name, arguments: JSON.stringify(input), status: 'completed' };
}

const FILLER: ContentBlockSpec[] = [{ text: 'stub: this response will break off part way through.' }];

/** `max_tokens` maps to an incomplete response, as the real API reports a length cut. */
export function buildResponse(response: ScriptedResponse, opts: { model: string | undefined; ids: IdSource; placeholders: Placeholders }): ResponseObject {
  const usage = response.usage ?? DEFAULT_USAGE;
  const incomplete = response.stopReason === 'max_tokens';
  return {
    id: opts.ids.message().replace('msg_', 'resp_'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    model: opts.model ?? DEFAULT_RESPONSES_MODEL,
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    output: (response.content ?? FILLER).map((spec) => toItem(spec, opts.ids, opts.placeholders)),
    usage: {
      input_tokens: usage.input_tokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: usage.output_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.input_tokens + usage.output_tokens,
    },
  };
}

const TEXT_CHUNK = 24;
const JSON_CHUNK = 48;

function ev(type: string, data: Record<string, unknown>): SseEvent {
  return { event: type, data: { type, ...data } };
}

function itemEvents(item: OutputItem, index: number): SseEvent[] {
  if (item.type === 'message') {
    const text = item.content[0]?.text ?? '';
    const part = { type: 'output_text', text: '', annotations: [] };
    return [
      ev('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } }),
      ev('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part }),
      ...chunk(text, TEXT_CHUNK).map((delta) => ev('response.output_text.delta', { item_id: item.id, output_index: index, content_index: 0, delta })),
      ev('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text }),
      ev('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part: { ...part, text } }),
      ev('response.output_item.done', { output_index: index, item }),
    ];
  }
  return [
    ev('response.output_item.added', { output_index: index, item: { ...item, arguments: '', status: 'in_progress' } }),
    ...chunk(item.arguments, JSON_CHUNK).map((delta) =>
      ev('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta }),
    ),
    ev('response.function_call_arguments.done', { item_id: item.id, output_index: index, arguments: item.arguments }),
    ev('response.output_item.done', { output_index: index, item }),
  ];
}

export function responseEvents(response: ResponseObject): SseEvent[] {
  const pending = { ...response, status: 'in_progress', output: [], usage: null };
  return [
    ev('response.created', { response: pending }),
    ev('response.in_progress', { response: pending }),
    ...response.output.flatMap(itemEvents),
    ev(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response }),
  ];
}

const OPENAI_ERROR_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
};

/** OpenAI error bodies: {"error":{"message","type","param","code"}}. */
export function openAiErrorBody(status: number, type?: string, message?: string): Record<string, unknown> {
  const errorType = type ?? OPENAI_ERROR_TYPE[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  const code = status === 401 ? 'invalid_api_key' : status === 429 ? 'rate_limit_exceeded' : null;
  return { error: { message: message ?? `stub: HTTP ${status}`, type: errorType, param: null, code } };
}

function sendOpenAiJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': requestId });
  res.end(text);
}

/** One scripted response to a POST /v1/responses exchange (same delay, error, cut and stream-error keys). */
export async function respondResponses(res: ServerResponse, response: ScriptedResponse, opts: RespondOptions): Promise<void> {
  if (!(await pause(response.delayMs, opts.signal))) return;
  const requestId = opts.ids.request();

  if (response.error) {
    const { status, type, message } = response.error;
    sendOpenAiJson(res, status, openAiErrorBody(status, type, message), requestId);
    return;
  }

  const built = buildResponse(response, opts);
  const { cutStreamAfterChunks: cutAt, streamError } = response;

  if (!opts.stream) {
    if (cutAt !== undefined) res.destroy();
    else if (streamError) sendOpenAiJson(res, 500, openAiErrorBody(500, 'server_error', streamError.message), requestId);
    else sendOpenAiJson(res, 200, built, requestId);
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': requestId });
  res.flushHeaders();

  // A stream error is a `response.failed` event (Codex treats it as retryable); the stream then ends.
  const failed = streamError
    ? formatSse(ev('response.failed', { response: { ...built, status: 'failed', output: [], error: { code: streamError.type, message: streamError.message } } }))
    : '';
  await streamFrames(res, responseEvents(built).map(formatSse), response, failed, opts.signal);
}
