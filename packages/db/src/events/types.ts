import type { EncodedCommit } from "./payload.ts";

/** A reference to a session or agent as an event names it: a Rozet id, or an external key seen before or not. */
export interface EntityRef {
  ref: string;
  /** Display name used when the ref is new and the entity is created on first sight. */
  name?: string;
  model?: string;
}

/** An event ready to store: validated, normalized, its payload already serialized. */
export interface NewEvent {
  eventId: string;
  session: EntityRef;
  agent?: EntityRef | undefined;
  taskId?: string | undefined;
  commandId?: string | undefined;
  source: string;
  type: string;
  hookEventType?: string | undefined;
  schemaVersion: number;
  clientTs?: number | undefined;
  toolName?: string | undefined;
  filePath?: string | undefined;
  status?: string | undefined;
  costUsd?: number | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  summary?: string | undefined;
  payloadJson: string;
}

/** What a timeline page and a live subscription carry: indexed fields and the summary, never the payload. */
export interface EventSummary {
  seq: number;
  eventId: string;
  sessionId: string;
  agentId: string | null;
  taskId: string | null;
  commandId: string | null;
  source: string;
  type: string;
  hookEventType: string | null;
  schemaVersion: number;
  clientTs: number | null;
  receivedAt: number;
  toolName: string | null;
  filePath: string | null;
  status: string | null;
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  summary: string | null;
  payloadSize: number;
}

export interface FullEvent extends EventSummary {
  payload: unknown;
}

export interface AppendResult {
  eventId: string;
  seq: number;
  duplicate: boolean;
  sessionId: string;
  agentId: string | null;
}

export interface AppendOutcome {
  results: AppendResult[];
  /** Newly stored events, in seq order, for the bus. */
  stored: EventSummary[];
  createdSessions: string[];
  createdAgents: { id: string; sessionId: string }[];
}

/** Which of a session's events a timeline shows (the same rules for pages, windows, exports and the page's reducer). */
export interface EventFilter {
  sessionId: string;
  agentId?: string | undefined;
  /** One task's events (a task's card links its timeline). */
  taskId?: string | undefined;
  types?: string[] | undefined;
  text?: string | undefined;
}

export interface TimelineQuery extends EventFilter {
  before?: number | undefined;
  after?: number | undefined;
  limit: number;
}

/**
 * A window of a filtered timeline addressed by position (0 = the oldest matching event). The anchor is one of: a
 * position; a seq (that event, or the first match after it); a time (the first match received at or after it);
 * none (the newest events). Rows start `before` positions ahead of the anchor, so a jump shows its context.
 */
export interface WindowQuery extends EventFilter {
  position?: number | undefined;
  seq?: number | undefined;
  time?: number | undefined;
  before?: number | undefined;
  limit: number;
}

export interface TimelineWindow {
  /** Matching events up to `lastSeq`: the height of the whole timeline. Positions are stable (events only append). */
  total: number;
  /** The newest seq stored when the window was read: subscribe with it as lastEventId to count on from `total`. */
  lastSeq: number;
  /** Position of the anchor (== total when nothing matches at or after a seq or time). */
  anchor: number;
  /** Seq of the event at the anchor, null when there is none. */
  anchorSeq: number | null;
  /** Position of `events[0]`. */
  start: number;
  /** Ascending by seq: the events at positions start, start + 1, … */
  events: EventSummary[];
}

export interface CommandPageQuery {
  commandId: string;
  after?: number | undefined;
  limit: number;
  /** Payload bytes a page may carry: it ends early (with `hasMore`) once past them, after at least one event. */
  maxPayloadBytes: number;
}

export interface CommandPage {
  /** Ascending by seq. */
  events: FullEvent[];
  /** More of the command's events follow the last one (ask again with `after` = its seq). */
  hasMore: boolean;
}

export interface TimelinePage {
  /** Ascending by seq. */
  events: EventSummary[];
  /** The newest seq stored when the page was read: subscribe with it as lastEventId to miss nothing. */
  lastSeq: number;
  hasMoreBefore: boolean;
  hasMoreAfter: boolean;
}

/**
 * A session's activity and cost over time in at most `maxBuckets` buckets of `bucketMs` (1 s doubled until the
 * whole history fits), aligned to multiples of the width: the web app's chart series, computed in one query.
 */
export interface EventHistogram {
  bucketMs: number;
  maxBuckets: number;
  /** Start of the first bucket (ms since the epoch), null for an empty session. */
  start: number | null;
  counts: number[];
  /** Cost added in each bucket, in total and per agent ("" for events without an agent). */
  cost: number[];
  costByAgent: Record<string, number[]>;
  /** The newest seq counted: follow live with it as lastEventId. */
  lastSeq: number;
  events: number;
}

export interface SessionEventStats {
  events: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  toolOk: number;
  toolFailed: number;
  /** When the newest event of the session was received (ms), null before the first. */
  lastEventAt: number | null;
}

/**
 * Storage of events: SQLite (embedded, the default) or Postgres (shared). Every result is a Promise, so a store
 * over the network implements it as it is; the SQLite store works synchronously inside and resolves at once. The
 * writer calls `appendBatch` once per batch, one commit at a time, in order.
 */
export interface EventStore {
  /** Stores a batch in one transaction (resolved = committed); `encoded` is encodeCommit() of its payloads when done beforehand. */
  appendBatch(events: NewEvent[], encoded?: EncodedCommit): Promise<AppendOutcome>;
  page(query: TimelineQuery): Promise<TimelinePage>;
  /** Rows by position in the filtered timeline (position ↔ seq), for a scrollbar over the whole session. */
  window(query: WindowQuery): Promise<TimelineWindow>;
  /** Events after `afterSeq` in ascending order (replay for subscriptions). */
  readAfter(filter: { sessionId?: string | undefined; afterSeq: number; limit: number }): Promise<EventSummary[]>;
  get(seq: number): Promise<FullEvent | undefined>;
  /** The newest `limit` events of every session, ascending (the legacy dashboard's snapshot). */
  recent(limit: number): Promise<EventSummary[]>;
  /** Distinct hook event types (or types, for events without one) among the newest `window` events. */
  recentTypes(window: number): Promise<string[]>;
  /** Full events (payload included) matching the timeline filters after `after`, ascending: exports page by page. */
  exportPage(query: TimelineQuery & { after: number }): Promise<FullEvent[]>;
  /** One command's events (payload included) after `after`, ascending: its run log, page by page. */
  commandPage(query: CommandPageQuery): Promise<CommandPage>;
  stats(sessionId: string): Promise<SessionEventStats>;
  histogram(sessionId: string, maxBuckets: number): Promise<EventHistogram>;
  deleteSession(sessionId: string): Promise<void>;
  lastSeq(): Promise<number>;
  /** Resolves once everything committed so far is durable (the writer acknowledges only after it). */
  sync(): Promise<void>;
  close(): Promise<void>;
}
