import { readFile } from 'node:fs/promises';
import { z } from 'zod';

// The scenario file format. See ../README.md for the prose version; this is the source of truth.
// Objects are strict so a typo in a scenario ("delay_ms") fails loudly instead of being ignored.

const textBlockSchema = z.strictObject({ text: z.string() });

const toolUseBlockSchema = z.strictObject({
  tool_use: z.strictObject({
    name: z.string().min(1),
    input: z.record(z.string(), z.unknown()).default({}),
  }),
});

export const contentBlockSchema = z.union([textBlockSchema, toolUseBlockSchema], {
  error: 'a content block is {"text": "..."} or {"tool_use": {"name": "...", "input": {...}}}',
});

export const usageSchema = z.strictObject({
  input_tokens: z.int().min(0),
  output_tokens: z.int().min(0),
});

export const apiErrorSchema = z.strictObject({
  status: z.int().min(400).max(599),
  /** Anthropic error type; derived from the status when omitted (500 → api_error, 529 → overloaded_error, …). */
  type: z.string().min(1).optional(),
  message: z.string().optional(),
});

/** An SSE `event: error` sent mid-stream; Claude Code answers it by retrying without streaming. */
export const streamErrorSchema = z.strictObject({
  afterChunks: z.int().min(0),
  type: z.string().min(1).default('overloaded_error'),
  message: z.string().default('Overloaded'),
});

export const matchSchema = z.strictObject({
  /** Substring of the text of the newest user message that has text (tool results are skipped). */
  lastUserTextIncludes: z.string().optional(),
  /** Substring of the system prompt, e.g. to recognise a subagent by its prompt. */
  systemIncludes: z.string().optional(),
  /** Whether the request offers tools at all. */
  hasTools: z.boolean().optional(),
  /** Substring of the requested model id. */
  model: z.string().optional(),
});

const responseShape = {
  /** Free-form comment; JSON has no comments. */
  note: z.string().optional(),
  content: z.array(contentBlockSchema).optional(),
  /** Overrides the derived stop reason (tool_use if any tool_use block, else end_turn). */
  stopReason: z.enum(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'pause_turn', 'refusal']).optional(),
  usage: usageSchema.optional(),
  /** Wait before answering at all (headers included). */
  delayMs: z.int().min(0).optional(),
  /** Wait between SSE events. */
  chunkDelayMs: z.int().min(0).optional(),
  error: apiErrorSchema.optional(),
  /** Destroy the socket after this many SSE events (non-streaming requests: destroy at once). */
  cutStreamAfterChunks: z.int().min(0).optional(),
  streamError: streamErrorSchema.optional(),
};

type ResponseFields = {
  content?: unknown[] | undefined;
  stopReason?: string | undefined;
  error?: unknown;
  cutStreamAfterChunks?: number | undefined;
  streamError?: unknown;
};

// Failure kinds exclude each other, and a response must say something.
function checkResponse(value: ResponseFields, ctx: z.core.$RefinementCtx<ResponseFields>): void {
  const failure = value.error !== undefined;
  const cut = value.cutStreamAfterChunks !== undefined;
  const sseError = value.streamError !== undefined;
  if (failure && (value.content || value.stopReason || cut || sseError)) {
    ctx.addIssue({ code: 'custom', message: '"error" cannot be combined with content, stopReason, cutStreamAfterChunks or streamError' });
  }
  if (cut && sseError) {
    ctx.addIssue({ code: 'custom', message: '"cutStreamAfterChunks" and "streamError" exclude each other' });
  }
  if (!failure && !cut && !sseError && value.content === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a step needs "content", "error", "cutStreamAfterChunks" or "streamError"' });
  }
}

export const responseSchema = z.strictObject(responseShape).superRefine(checkResponse);

export const stepSchema = z
  .strictObject({
    ...responseShape,
    /** Answer this many requests identically before moving on. */
    repeat: z.int().min(1).default(1),
    /** Only requests that satisfy every given condition may consume this step. */
    match: matchSchema.optional(),
  })
  .superRefine(checkResponse);

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  steps: z.array(stepSchema),
  /** Answer once the steps are used up (default: a short end_turn text, so an agent never hangs). */
  fallback: responseSchema.optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;
/** What a scenario author writes (defaults not yet applied). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Step = z.infer<typeof stepSchema>;
export type ScriptedResponse = z.infer<typeof responseSchema>;
export type ContentBlockSpec = z.infer<typeof contentBlockSchema>;
export type StepMatch = z.infer<typeof matchSchema>;
export type ApiErrorSpec = z.infer<typeof apiErrorSchema>;

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Validate a scenario object; throws a ScenarioError listing every problem with its path. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    throw new ScenarioError(`invalid ${source}:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Read and validate a scenario JSON file. */
export async function loadScenario(file: string): Promise<Scenario> {
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`invalid scenario ${file}: not JSON (${(error as Error).message})`);
  }
  return parseScenario(json, `scenario ${file}`);
}
