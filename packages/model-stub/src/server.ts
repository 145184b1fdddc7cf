import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { errorBody } from './errors.ts';
import { geminiRequestFacts, geminiRequestSchema, geminiRoute, respondGemini, sendGoogleJson } from './gemini.ts';
import { createIdSource, type IdSource } from './message.ts';
import { messagesRequestSchema, requestFacts, type RequestFacts } from './request.ts';
import { respond, sendJson } from './respond.ts';
import { respondResponses, responsesRequestFacts, responsesRequestSchema } from './responses.ts';
import { loadScenario, parseScenario, type Scenario, type ScenarioInput } from './scenario.ts';
import { createScript, type Script } from './script.ts';

// The HTTP front: routes the few endpoints Claude Code calls, records every request, and hands
// POST /v1/messages to the script for its next response.

export interface RecordedRequest {
  method: string;
  /** Path with query, e.g. "/v1/messages?beta=true". */
  path: string;
  /** Date.now() when the request arrived. */
  time: number;
  /** The following are set for POST /v1/messages, /v1/messages/count_tokens, /v1/responses and the Gemini model methods with a valid body. */
  model?: string | undefined;
  stream?: boolean;
  hasTools?: boolean;
  toolNames?: string[];
  lastUserText?: string;
  cwd?: string | undefined;
  /** Which scenario step answered (POST /v1/messages, /v1/responses, Gemini generateContent and streamGenerateContent). */
  step?: number | 'fallback';
  /** The parsed JSON body, for deeper assertions. */
  body?: unknown;
}

export interface StartModelStubOptions {
  /** A scenario object, or the path of a scenario JSON file. */
  scenario: ScenarioInput | string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

export interface ModelStub {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Swap the script; the new one starts from its first step. */
  setScenario(scenario: ScenarioInput): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

class BadRequest extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const piece of req) {
    const buf = piece as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('request body too large');
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
}

async function readResponsesRequest(req: IncomingMessage): Promise<{ body: unknown; facts: RequestFacts }> {
  const body = await readJson(req);
  const parsed = responsesRequestSchema.safeParse(body);
  if (!parsed.success) throw new BadRequest(`invalid Responses API request: ${z.prettifyError(parsed.error)}`);
  return { body, facts: responsesRequestFacts(parsed.data) };
}

async function readMessagesRequest(req: IncomingMessage): Promise<{ body: unknown; facts: RequestFacts }> {
  const body = await readJson(req);
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) throw new BadRequest(`invalid Messages API request: ${z.prettifyError(parsed.error)}`);
  return { body, facts: requestFacts(parsed.data) };
}

async function readGeminiRequest(req: IncomingMessage, model: string, stream: boolean): Promise<{ body: unknown; facts: RequestFacts }> {
  const body = await readJson(req);
  const parsed = geminiRequestSchema.safeParse(body);
  if (!parsed.success) throw new BadRequest(`invalid Gemini API request: ${z.prettifyError(parsed.error)}`);
  return { body, facts: geminiRequestFacts(parsed.data, model, stream) };
}

function factsRecord(facts: RequestFacts): Partial<RecordedRequest> {
  const { model, stream, hasTools, toolNames, lastUserText, cwd } = facts;
  return { model, stream, hasTools, toolNames, lastUserText, cwd };
}

// A rough count is enough: Claude Code only uses it for context-size estimates.
function countTokens(body: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(body).length / 4));
}

interface StubState {
  script: Script;
  ids: IdSource;
  requests: RecordedRequest[];
}

async function handle(req: IncomingMessage, res: ServerResponse, state: StubState): Promise<void> {
  const path = req.url ?? '/';
  const pathname = path.split('?')[0] ?? path;
  const method = req.method ?? 'GET';
  const record: RecordedRequest = { method, path, time: Date.now() };
  state.requests.push(record);

  if ((method === 'HEAD' || method === 'GET') && pathname === '/') {
    sendJson(res, 200, { ok: true, service: '@rozet/model-stub' }, state.ids.request());
    return;
  }

  if (method === 'POST' && pathname === '/v1/messages/count_tokens') {
    const { body, facts } = await readMessagesRequest(req);
    Object.assign(record, factsRecord(facts), { body });
    sendJson(res, 200, { input_tokens: countTokens(body) }, state.ids.request());
    return;
  }

  // Anthropic Messages and OpenAI Responses: the same scenario, answered in each wire format.
  const dialect = method === 'POST' ? DIALECTS[pathname] : undefined;
  if (dialect) {
    const { body, facts } = await dialect.read(req);
    Object.assign(record, factsRecord(facts), { body });
    await answer(res, state, record, facts, dialect.respond);
    return;
  }

  // Gemini: the model and the method are in the path (`/v1beta/models/gemini-2.5-pro:streamGenerateContent`).
  const gemini = method === 'POST' ? geminiRoute(pathname) : undefined;
  if (gemini) {
    const { body, facts } = await readGeminiRequest(req, gemini.model, gemini.method === 'streamGenerateContent');
    Object.assign(record, factsRecord(facts), { body });
    if (gemini.method === 'countTokens') {
      sendGoogleJson(res, 200, { totalTokens: countTokens(body) });
      return;
    }
    await answer(res, state, record, facts, respondGemini);
    return;
  }

  sendJson(res, 404, errorBody(404, 'not_found_error', `model stub: no route for ${method} ${pathname}`), state.ids.request());
}

/** Takes the next step for this request and writes it in the caller's wire format. */
async function answer(res: ServerResponse, state: StubState, record: RecordedRequest, facts: RequestFacts, respondWith: typeof respond): Promise<void> {
  const { response, step } = state.script.pick(facts);
  record.step = step;
  const aborted = new AbortController();
  res.on('close', () => aborted.abort());
  await respondWith(res, response, { stream: facts.stream, model: facts.model, ids: state.ids, placeholders: { cwd: facts.cwd }, signal: aborted.signal });
}

const DIALECTS: Record<string, { read: typeof readMessagesRequest | typeof readResponsesRequest; respond: typeof respond | typeof respondResponses }> = {
  '/v1/messages': { read: readMessagesRequest, respond },
  '/v1/responses': { read: readResponsesRequest, respond: respondResponses },
};

function resolveScenario(input: ScenarioInput | string): Promise<Scenario> | Scenario {
  return typeof input === 'string' ? loadScenario(input) : parseScenario(input);
}

export async function startModelStub(options: StartModelStubOptions): Promise<ModelStub> {
  const host = options.host ?? '127.0.0.1';
  const state: StubState = {
    script: createScript(await resolveScenario(options.scenario)),
    ids: createIdSource(),
    requests: [],
  };

  const server = createServer((req, res) => {
    handle(req, res, state).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = error instanceof BadRequest ? 400 : 500;
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, status, errorBody(status, undefined, message), state.ids.request());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests: state.requests,
    setScenario(scenario) {
      state.script = createScript(parseScenario(scenario));
    },
    close() {
      // Idempotent: a test may close a stub early and still hand it to a cleanup that closes everything.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets and streams held open by a delay would otherwise keep close() waiting.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
