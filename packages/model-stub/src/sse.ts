import type { AnthropicBlock, AnthropicMessage } from './message.ts';

// The Messages API streaming event sequence for one message, in the order the real API sends it.
// Text and tool JSON are split into several deltas so chunk delays and stream cuts land mid-block.

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

const TEXT_CHUNK = 24;
const JSON_CHUNK = 48;

/** Split into pieces of about `size` characters, breaking after whitespace where possible. */
export function chunk(text: string, size: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const space = rest.lastIndexOf(' ', size);
    const cut = space > 0 ? space + 1 : size;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

function blockEvents(block: AnthropicBlock, index: number): SseEvent[] {
  const start =
    block.type === 'text'
      ? { type: 'text', text: '' }
      : { type: 'tool_use', id: block.id, name: block.name, input: {} };
  const deltas =
    block.type === 'text'
      ? chunk(block.text, TEXT_CHUNK).map((text) => ({ type: 'text_delta', text }))
      : chunk(JSON.stringify(block.input), JSON_CHUNK).map((partial_json) => ({ type: 'input_json_delta', partial_json }));
  return [
    { event: 'content_block_start', data: { type: 'content_block_start', index, content_block: start } },
    ...deltas.map((delta) => ({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta } })),
    { event: 'content_block_stop', data: { type: 'content_block_stop', index } },
  ];
}

export function messageEvents(message: AnthropicMessage): SseEvent[] {
  const { usage } = message;
  return [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        // The real API reports the final output count only in message_delta.
        message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
      },
    },
    ...message.content.flatMap(blockEvents),
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: message.stop_reason, stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

export function errorEvent(type: string, message: string): SseEvent {
  return { event: 'error', data: { type: 'error', error: { type, message } } };
}

export function formatSse({ event, data }: SseEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
