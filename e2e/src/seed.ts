/** Shortcuts that put a control room into a known state through its public API (typed client and REST ingest). */
import type { IngestEventInput } from "@rozet/api";
import { waitFor, type ControlRoom } from "./control-room.ts";

type Api = ControlRoom["api"];
type AgentInput = Parameters<Api["agent"]["create"]["mutate"]>[0];
type PermissionRequest = Awaited<ReturnType<Api["permission"]["list"]["query"]>>[number];
/** What a procedure resolves with (its client's promise carries tRPC's error tag, which an async function cannot). */
type Resolves<F extends (...args: never[]) => Promise<unknown>> = Promise<Awaited<ReturnType<F>>>;

export interface SeedEventsOptions {
  /** Event types, used in turn (default: tool.started). */
  types?: string[];
  /**
   * The hook's source app: events of one source app land in one session, created on first sight (default:
   * e2e-hooks); a Rozet session id puts them in that session.
   */
  sourceApp?: string;
  sessionKey?: string;
  /** The reporting agent's id and name (default: bot). */
  agent?: string;
}

export interface Seed {
  /** A new session, as `session.create` returns it. */
  session(name: string): Resolves<Api["session"]["create"]["mutate"]>;
  /** A Claude Code agent (answered by the model stub), once it is idle. */
  claudeAgent(sessionId: string, name: string, options?: Partial<AgentInput>): Resolves<Api["agent"]["get"]["query"]>;
  /** A shell agent (commands run in a shell in the session's workspace). */
  shellAgent(sessionId: string, name: string): Resolves<Api["agent"]["create"]["mutate"]>;
  /**
   * `count` hook events posted to `POST /api/events` the way a Claude Code hook reports them, numbered on from
   * the previous call ("Bash: echo 1", "Bash: echo 2"…); resolves with the id of the session they landed in and
   * their seqs.
   */
  events(count: number, options?: SeedEventsOptions): Promise<{ sessionId: string; seqs: number[] }>;
  /**
   * Sends `prompt` to the agent and resolves with the permission request its turn raises (pending, waiting for
   * an answer: `api.agent.respondPermission`); the model stub's scenario decides which tool the agent asks for.
   */
  permissionRequest(agentId: string, prompt: string): Promise<PermissionRequest>;
}

/**
 * Hook events in the wire shape (schema_version 2), numbered from `first`: event n has id e2e-n and summary
 * "Bash: echo n" (ids repeat only if the numbers do: a repeated id is stored once).
 */
export function hookEvents(count: number, options: SeedEventsOptions = {}, first = 1): IngestEventInput[] {
  const types = options.types ?? ["tool.started"];
  const agent = options.agent ?? "bot";
  return Array.from({ length: count }, (_, i) => {
    const n = first + i;
    const type = types[i % types.length]!;
    return {
      schema_version: 2,
      event_id: `e2e-${n}`,
      source_app: options.sourceApp ?? "e2e-hooks",
      session_id: options.sessionKey ?? "run-1",
      agent_id: agent,
      agent_name: agent,
      type,
      tool_name: "Bash",
      summary: `Bash: echo ${n}`,
      payload: { input: { command: `echo ${n}` } },
    } satisfies IngestEventInput;
  });
}

export async function postEvents(url: string, events: IngestEventInput[]): Promise<{ sessionId: string; seq: number }[]> {
  const res = await fetch(`${url}/api/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events }) });
  if (res.status !== 200) throw new Error(`POST /api/events answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { results: { sessionId: string; seq: number }[] }).results;
}

export function seedFor(room: ControlRoom): Seed {
  // Numbers the room's seeded events 1, 2, 3… across calls.
  let seeded = 0;
  return {
    session: (name) => room.api.session.create.mutate({ name }),
    async claudeAgent(sessionId, name, options = {}) {
      const agent = await room.api.agent.create.mutate({ sessionId, name, driver: "claude", ...options });
      return waitFor(async () => {
        const now = await room.api.agent.get.query({ id: agent.id });
        return now.status === "idle" && now;
      }, 90_000, `agent ${name} idle`);
    },
    shellAgent: (sessionId, name) => room.api.agent.create.mutate({ sessionId, name, driver: "shell" }),
    async events(count, options) {
      const results = await postEvents(room.url, hookEvents(count, options, seeded + 1));
      seeded += count;
      return { sessionId: results[0]!.sessionId, seqs: results.map((r) => r.seq) };
    },
    async permissionRequest(agentId, prompt) {
      const { sessionId } = await room.api.agent.get.query({ id: agentId });
      const pendingBefore = new Set((await pending(sessionId)).map((p) => p.id));
      await room.api.agent.command.mutate({ agentId, text: prompt });
      return waitFor(async () => (await pending(sessionId)).find((p) => p.agentId === agentId && !pendingBefore.has(p.id)), 60_000, `a permission request from "${prompt}"`);
    },
  };

  function pending(sessionId: string) {
    return room.api.permission.list.query({ sessionId, status: "pending" });
  }
}
