/**
 * What each agent is doing, folded from its events: the tools it has started and not finished (the last one is
 * its current activity), its status from `agent.status`, its cost and tokens from `usage`, and when it was last
 * heard from. Pure; the live roster feeds it a filtered subscription and the replay feeds it history.
 *
 * Summaries carry no tool-use id, so a `tool.finished` closes the newest open call of the same tool; the end of
 * a turn (or the agent going idle, stopping or failing) closes whatever is still open.
 */
import type { TimelineEvent } from "../api/types.ts";

export type ActivityEvent = Pick<
  TimelineEvent,
  "seq" | "agentId" | "type" | "toolName" | "status" | "summary" | "receivedAt" | "costUsd" | "inputTokens" | "outputTokens"
>;

export interface OpenTool {
  seq: number;
  toolName: string;
  summary: string | null;
  since: number;
}

export interface AgentActivity {
  /** Oldest first; the last one is what the agent is doing now. */
  readonly open: readonly OpenTool[];
  /** From the newest `agent.status` event (null until one is seen). */
  readonly status: string | null;
  readonly lastEventAt: number;
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface ActivityState {
  readonly agents: Readonly<Record<string, AgentActivity>>;
  /** Events at or below this seq were applied already (pages and the subscription overlap). */
  readonly lastSeq: number;
}

/** Event types the roster needs; the live roster reads just these. */
export const ACTIVITY_TYPES = [
  "tool.started",
  "tool.finished",
  "turn.finished",
  "agent.interrupted",
  "agent.failed",
  "agent.status",
  "usage",
] as const;

/** At most this many open calls are remembered per agent (a producer that never finishes its tools). */
const MAX_OPEN = 20;
const CLOSING_STATUSES = new Set(["idle", "stopped", "stopping", "failed", "paused", "lost", "ended"]);

export const emptyActivity: ActivityState = { agents: {}, lastSeq: 0 };

const blank: AgentActivity = { open: [], status: null, lastEventAt: 0, costUsd: 0, inputTokens: 0, outputTokens: 0 };

function step(agent: AgentActivity, event: ActivityEvent): AgentActivity {
  let { open, status } = agent;
  switch (event.type) {
    case "tool.started":
      if (event.toolName) {
        open = [...open, { seq: event.seq, toolName: event.toolName, summary: event.summary, since: event.receivedAt }];
        if (open.length > MAX_OPEN) open = open.slice(open.length - MAX_OPEN);
      }
      break;
    case "tool.finished": {
      let index = -1;
      for (let i = open.length - 1; i >= 0; i--) {
        if (open[i]!.toolName === event.toolName) {
          index = i;
          break;
        }
      }
      if (index !== -1) open = open.filter((_, i) => i !== index);
      break;
    }
    case "turn.finished":
    case "agent.interrupted":
    case "agent.failed":
      open = [];
      break;
    case "agent.status":
      if (event.status) {
        status = event.status;
        if (CLOSING_STATUSES.has(event.status)) open = [];
      }
      break;
  }
  return {
    open,
    status,
    lastEventAt: Math.max(agent.lastEventAt, event.receivedAt),
    costUsd: agent.costUsd + (event.costUsd ?? 0),
    inputTokens: agent.inputTokens + (event.inputTokens ?? 0),
    outputTokens: agent.outputTokens + (event.outputTokens ?? 0),
  };
}

/** Applies events in seq order, skipping any at or below `lastSeq`. Same object back when nothing applies. */
export function applyActivity(state: ActivityState, events: readonly ActivityEvent[]): ActivityState {
  let agents: Record<string, AgentActivity> | null = null;
  let lastSeq = state.lastSeq;
  for (const event of events) {
    if (event.seq <= lastSeq) continue;
    lastSeq = event.seq;
    if (!event.agentId) continue;
    agents ??= { ...state.agents };
    agents[event.agentId] = step(agents[event.agentId] ?? blank, event);
  }
  if (lastSeq === state.lastSeq) return state;
  return { agents: agents ?? state.agents, lastSeq };
}

/** The tool the agent is running now: its newest unfinished call. */
export function currentTool(activity: AgentActivity | undefined): OpenTool | null {
  return activity?.open.at(-1) ?? null;
}

/** "3 s", "4 min", "2 h", "5 d": how long ago, for a roster that ticks once a second. */
export function formatAge(ms: number): string {
  if (ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}
