import { randomBytes } from 'node:crypto';
import type { ContentBlockSpec, ScriptedResponse } from './scenario.ts';

// Turns a scripted response into the Anthropic `message` object that both the streaming and
// the non-streaming answers are made from.

export type AnthropicBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicBlock[];
  stop_reason: string;
  stop_sequence: null;
  usage: AnthropicUsage;
}

export const DEFAULT_MODEL = 'claude-opus-4-8';
export const DEFAULT_USAGE = { input_tokens: 100, output_tokens: 20 } as const;

export interface IdSource {
  message(): string;
  toolUse(): string;
  request(): string;
}

/** Ids unique across stub instances too: a resumed session may meet ids from an earlier stub. */
export function createIdSource(): IdSource {
  const prefix = randomBytes(4).toString('hex');
  let n = 0;
  const next = (kind: string) => `${kind}_stub_${prefix}${(++n).toString(36).padStart(4, '0')}`;
  return { message: () => next('msg'), toolUse: () => next('toolu'), request: () => next('req') };
}

export interface Placeholders {
  cwd: string | undefined;
}

// An unknown cwd leaves "{{cwd}}" in place: Claude Code then rejects the relative path visibly,
// which beats writing into whatever directory the stub happens to run in.
function fillString(text: string, values: Placeholders): string {
  return values.cwd === undefined ? text : text.replaceAll('{{cwd}}', values.cwd);
}

export function fillPlaceholders<T>(value: T, values: Placeholders): T {
  if (typeof value === 'string') return fillString(value, values) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => fillPlaceholders(item, values)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v, values)])) as T;
  }
  return value;
}

function toBlock(spec: ContentBlockSpec, ids: IdSource, values: Placeholders): AnthropicBlock {
  if ('text' in spec) return { type: 'text', text: fillString(spec.text, values) };
  return { type: 'tool_use', id: ids.toolUse(), name: spec.tool_use.name, input: fillPlaceholders(spec.tool_use.input, values) };
}

/** A cut or errored stream still needs something to send before it breaks. */
const FILLER: ContentBlockSpec[] = [{ text: 'stub: this response will break off part way through.' }];

export function buildMessage(
  response: ScriptedResponse,
  opts: { model: string | undefined; ids: IdSource; placeholders: Placeholders },
): AnthropicMessage {
  const content = (response.content ?? FILLER).map((spec) => toBlock(spec, opts.ids, opts.placeholders));
  const derived = content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn';
  const usage = response.usage ?? DEFAULT_USAGE;
  return {
    id: opts.ids.message(),
    type: 'message',
    role: 'assistant',
    model: opts.model ?? DEFAULT_MODEL,
    content,
    stop_reason: response.stopReason ?? derived,
    stop_sequence: null,
    usage: { ...usage, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}
