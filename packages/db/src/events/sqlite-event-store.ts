import type { Statement } from "better-sqlite3";
import { newId } from "@rozet/vocabulary";
import type { SqliteDatabase } from "../sqlite.ts";
import { sqliteNow } from "../time.ts";
import { decodePayload, encodeCommit, PayloadEncoding, type EncodedCommit } from "./payload.ts";
import { PayloadBlockReader } from "./payload-blocks.ts";
import type { WalSyncer } from "./wal-syncer.ts";
import { filterClause, SUMMARY_COLUMNS } from "./sql-filter.ts";
import { EventPositions } from "./positions.ts";
import { commandPage, commandPageLength, foldHistogram, histogramBuckets, timelinePage } from "./store-results.ts";
import type {
  AppendOutcome,
  EventHistogram,
  EntityRef,
  EventStore,
  CommandPage,
  CommandPageQuery,
  EventSummary,
  FullEvent,
  NewEvent,
  SessionEventStats,
  TimelinePage,
  TimelineQuery,
  TimelineWindow,
  WindowQuery,
} from "./types.ts";

const PAYLOAD_COLUMNS = "payloadEncoding, payload, payloadBlock, payloadOffset";

type StoredEvent = EventSummary & { payloadEncoding: number; payload: Buffer | null; payloadBlock: number | null; payloadOffset: number | null };

/** Refs resolved to ids are cached so a steady stream of events costs no lookups. Bounded: cleared when full. */
const REF_CACHE_LIMIT = 10_000;
/** How long a commit waits for another connection (Prisma) to let go of the write lock before it fails. */
const BUSY_WAIT_MS = 10_000;

interface BatchTotals {
  events: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  toolOk: number;
  toolFailed: number;
  lastEventAt?: string;
}

/**
 * The SQLite event store: prepared statements on a better-sqlite3 connection (Prisma's model API is ~10x
 * slower for this), one transaction per batch.
 */
export class SqliteEventStore implements EventStore {
  private readonly sessionIds = new Map<string, string>();
  private readonly agentIds = new Map<string, string>();
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly pageStatements = new Map<string, Statement>();
  private readonly blocks: PayloadBlockReader;
  private readonly positions: EventPositions;

  /**
   * `syncer` makes commits durable after the fact (the connection then runs with synchronous=NORMAL); without one,
   * sync() resolves at once (the connection's own synchronous setting is all there is).
   */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly syncer?: WalSyncer,
  ) {
    // Never wait for SQLite's write lock synchronously: the other writer is Prisma on this same thread, and its
    // transaction needs the event loop to commit (a blocking wait deadlocks until "database is locked").
    // `writeWhenFree` waits off the thread instead.
    db.pragma("busy_timeout = 0");
    this.statements = prepareStatements(db);
    this.blocks = new PayloadBlockReader(db);
    this.positions = new EventPositions({
      where: filterClause,
      all: <Row>(sql: string, params: Record<string, unknown>) => Promise.resolve(this.pageStatement(sql).all(params) as Row[]),
      summaryColumns: SUMMARY_COLUMNS,
      chunksPerQuery: 1,
    });
  }

  // async: the transaction runs now, synchronously (or as soon as Prisma lets go of the write lock); a failure becomes the rejection.
  async appendBatch(events: NewEvent[], encoded?: EncodedCommit): Promise<AppendOutcome> {
    const payloads = encoded ?? encodeCommit(events.map((e) => e.session.ref), events.map((e) => e.payloadJson));
    return this.writeWhenFree(() => this.appendInTransaction(events, payloads));
  }

  /**
   * Runs `write` in a BEGIN IMMEDIATE transaction (the lock is taken before any statement runs, so a busy
   * database fails it before it changes anything, caches included); while another connection holds the write
   * lock, tries again after a short timer, up to BUSY_WAIT_MS.
   */
  private async writeWhenFree<T>(write: () => T): Promise<T> {
    const transaction = this.db.transaction(write);
    const deadline = Date.now() + BUSY_WAIT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      try {
        return transaction.immediate();
      } catch (error) {
        if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  private appendInTransaction(events: NewEvent[], { blocks, placements }: EncodedCommit): AppendOutcome {
    const s = this.statements;
    const outcome: AppendOutcome = { results: [], stored: [], createdSessions: [], createdAgents: [] };
    const sessionTotals = new Map<string, BatchTotals>();
    const agentTotals = new Map<string, BatchTotals>();
    const receivedAt = Date.now();
    const now = sqliteNow();
    // Blocks get ids here (never reused); a block whose events were all duplicates is not written.
    const firstBlockId = (s.lastBlockId.get() as number) + 1;
    const blockUsed = new Array<boolean>(blocks.length).fill(false);
    for (const [index, event] of events.entries()) {
      const sessionId = this.resolveSession(event.session, outcome, now);
      const agentId = event.agent ? this.resolveAgent(sessionId, event.agent, outcome, now) : null;
      const placement = placements[index]!;
      const place = "block" in placement ? placement : null;
      const payload = "block" in placement ? { encoding: PayloadEncoding.inBlock, size: placement.size, bytes: null } : placement;
      const inserted = s.insertEvent.run(
        event.eventId,
        sessionId,
        agentId,
        event.taskId ?? null,
        event.commandId ?? null,
        event.source,
        event.type,
        event.hookEventType ?? null,
        event.schemaVersion,
        event.clientTs ?? null,
        receivedAt,
        event.toolName ?? null,
        event.filePath ?? null,
        event.status ?? null,
        event.costUsd ?? null,
        event.inputTokens ?? null,
        event.outputTokens ?? null,
        event.summary ?? null,
        payload.encoding,
        payload.size,
        payload.bytes,
        place ? firstBlockId + place.block : null,
        place?.offset ?? null,
      );
      // No RETURNING: with it SQLite materializes the returned row per statement, which doubled the insert cost.
      // seq is the rowid (INTEGER PRIMARY KEY); no change means the eventId existed (ON CONFLICT DO NOTHING).
      if (inserted.changes === 0) {
        const existing = s.findByEventId.get(event.eventId) as { seq: number; sessionId: string; agentId: string | null };
        outcome.results.push({ eventId: event.eventId, seq: existing.seq, duplicate: true, sessionId: existing.sessionId, agentId: existing.agentId });
        continue;
      }
      if (place) blockUsed[place.block] = true;
      const seq = Number(inserted.lastInsertRowid);
      const summary: EventSummary = {
        seq,
        eventId: event.eventId,
        sessionId,
        agentId,
        taskId: event.taskId ?? null,
        commandId: event.commandId ?? null,
        source: event.source,
        type: event.type,
        hookEventType: event.hookEventType ?? null,
        schemaVersion: event.schemaVersion,
        clientTs: event.clientTs ?? null,
        receivedAt,
        toolName: event.toolName ?? null,
        filePath: event.filePath ?? null,
        status: event.status ?? null,
        costUsd: event.costUsd ?? null,
        inputTokens: event.inputTokens ?? null,
        outputTokens: event.outputTokens ?? null,
        summary: event.summary ?? null,
        payloadSize: payload.size,
      };
      outcome.stored.push(summary);
      outcome.results.push({ eventId: event.eventId, seq, duplicate: false, sessionId, agentId });
      addTotals(sessionTotals, sessionId, summary, now);
      if (agentId) addTotals(agentTotals, agentId, summary, now);
    }
    for (const [i, block] of blocks.entries()) if (blockUsed[i]) s.insertBlock.run(firstBlockId + i, block.encoding, block.size, block.bytes);
    for (const [sessionId, t] of sessionTotals) {
      s.bumpSessionStats.run(sessionId, t.events, t.costUsd, t.inputTokens, t.outputTokens, t.toolOk, t.toolFailed);
    }
    for (const [agentId, t] of agentTotals) {
      s.bumpAgent.run(t.costUsd, t.inputTokens, t.outputTokens, t.lastEventAt ?? now, now, agentId);
    }
    return outcome;
  }

  private resolveSession(ref: EntityRef, outcome: AppendOutcome, now: string): string {
    const cached = this.sessionIds.get(ref.ref);
    if (cached) return cached;
    const s = this.statements;
    let id = (s.sessionById.get(ref.ref) as string | undefined) ?? (s.sessionByKey.get(ref.ref) as string | undefined);
    if (!id) {
      id = newId();
      s.insertSession.run(id, ref.name ?? ref.ref, ref.ref, now, now);
      outcome.createdSessions.push(id);
    }
    remember(this.sessionIds, ref.ref, id);
    return id;
  }

  private resolveAgent(sessionId: string, ref: EntityRef, outcome: AppendOutcome, now: string): string {
    const key = `${sessionId}\u0000${ref.ref}`;
    const cached = this.agentIds.get(key);
    if (cached) return cached;
    const s = this.statements;
    let id =
      (s.agentById.get(ref.ref, sessionId) as string | undefined) ??
      (s.agentByExternal.get(sessionId, ref.ref) as string | undefined);
    if (!id) {
      id = newId();
      s.insertExternalAgent.run(id, sessionId, ref.name ?? ref.ref, ref.model ?? null, ref.ref, now, now);
      outcome.createdAgents.push({ id, sessionId });
    }
    remember(this.agentIds, key, id);
    return id;
  }

  async page(query: TimelineQuery): Promise<TimelinePage> {
    // `after` pages forward (oldest first); otherwise page backward from `before` or the newest event.
    const forward = query.after !== undefined && query.before === undefined;
    return timelinePage(this.select<EventSummary>(SUMMARY_COLUMNS, query, forward), query, forward, this.newestSeq());
  }

  window(query: WindowQuery): Promise<TimelineWindow> {
    return this.positions.window(query, this.newestSeq());
  }

  async exportPage(query: TimelineQuery & { after: number }): Promise<FullEvent[]> {
    const rows = this.select<StoredEvent>(`${SUMMARY_COLUMNS}, ${PAYLOAD_COLUMNS}`, { ...query, limit: query.limit - 1 }, true);
    return rows.map((row) => this.withPayload(row));
  }

  async commandPage(query: CommandPageQuery): Promise<CommandPage> {
    const rows = this.statements.commandPage.all(query.commandId, query.after ?? 0, query.limit + 1) as StoredEvent[];
    const kept = commandPageLength(rows, query.limit, query.maxPayloadBytes);
    return commandPage(rows.slice(0, kept).map((row) => this.withPayload(row)), rows.length);
  }

  private withPayload({ payloadEncoding, payload, payloadBlock, payloadOffset, ...summary }: StoredEvent): FullEvent {
    if (payloadEncoding !== PayloadEncoding.inBlock) return { ...summary, payload: decodePayload(payloadEncoding, payload) };
    const raw = this.blocks.slice(payloadBlock!, payloadOffset!, summary.payloadSize);
    return { ...summary, payload: decodePayload(PayloadEncoding.utf8, raw) };
  }

  /** One filtered query (limit + 1 rows, to tell whether there is more), its statement cached by shape. */
  private select<Row>(columns: string, query: TimelineQuery, ascending: boolean): Row[] {
    const { where, params } = filterClause(query);
    params.limit = query.limit + 1;
    if (query.after !== undefined) {
      where.push("seq > @after");
      params.after = query.after;
    }
    if (query.before !== undefined) {
      where.push("seq < @before");
      params.before = query.before;
    }
    const sql = `SELECT ${columns} FROM Event WHERE ${where.join(" AND ")} ORDER BY seq ${ascending ? "ASC" : "DESC"} LIMIT @limit`;
    return this.pageStatement(sql).all(params) as Row[];
  }

  private pageStatement(sql: string): Statement {
    let statement = this.pageStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.pageStatements.size > 256) this.pageStatements.clear();
      this.pageStatements.set(sql, statement);
    }
    return statement;
  }

  async readAfter(filter: { sessionId?: string | undefined; afterSeq: number; limit: number }): Promise<EventSummary[]> {
    return (
      filter.sessionId
        ? this.statements.readAfterInSession.all(filter.sessionId, filter.afterSeq, filter.limit)
        : this.statements.readAfterAll.all(filter.afterSeq, filter.limit)
    ) as EventSummary[];
  }

  async recent(limit: number): Promise<EventSummary[]> {
    return (this.statements.recent.all(limit) as EventSummary[]).reverse();
  }

  async recentTypes(window: number): Promise<string[]> {
    return this.statements.recentTypes.all(window) as string[];
  }

  async get(seq: number): Promise<FullEvent | undefined> {
    const row = this.statements.getFull.get(seq) as StoredEvent | undefined;
    return row && this.withPayload(row);
  }

  async stats(sessionId: string): Promise<SessionEventStats> {
    const row = this.statements.sessionStats.get(sessionId) as Omit<SessionEventStats, "lastEventAt"> | undefined;
    const lastEventAt = (this.statements.lastReceivedAt.get(sessionId) as number | undefined) ?? null;
    return { ...(row ?? { events: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, toolOk: 0, toolFailed: 0 }), lastEventAt };
  }

  async histogram(sessionId: string, maxBuckets: number): Promise<EventHistogram> {
    const lastSeq = this.newestSeq();
    const range = this.statements.sessionRange.get(sessionId) as { first: number | null; last: number | null; events: number };
    const empty: EventHistogram = { bucketMs: 1_000, maxBuckets, start: null, counts: [], cost: [], costByAgent: {}, lastSeq, events: 0 };
    if (range.first === null || range.last === null) return empty;
    const buckets = histogramBuckets(range.first, range.last, maxBuckets);
    const rows = this.statements.histogram.all({ sessionId, start: buckets.start, bucketMs: buckets.bucketMs, lastSeq }) as { bucket: number; agentId: string | null; events: number; cost: number }[];
    return foldHistogram(rows, buckets, { maxBuckets, lastSeq, events: range.events });
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.writeWhenFree(() => {
      this.statements.deleteSessionBlocks.run(sessionId);
      this.statements.deleteSessionEvents.run(sessionId);
      this.statements.deleteSessionStats.run(sessionId);
    });
    this.positions.forget(sessionId);
    // Refs may point at the deleted session or its agents; dropping the caches is cheap and always correct.
    this.sessionIds.clear();
    this.agentIds.clear();
  }

  async lastSeq(): Promise<number> {
    return this.newestSeq();
  }

  private newestSeq(): number {
    return (this.statements.lastSeq.get() as number | null) ?? 0;
  }

  sync(): Promise<void> {
    return this.syncer ? this.syncer.sync() : Promise.resolve();
  }

  async close(): Promise<void> {
    await this.syncer?.close();
    this.db.close();
  }
}

function remember(cache: Map<string, string>, key: string, id: string): void {
  if (cache.size >= REF_CACHE_LIMIT) cache.clear();
  cache.set(key, id);
}

function addTotals(totals: Map<string, BatchTotals>, key: string, event: EventSummary, now: string): void {
  let t = totals.get(key);
  if (!t) {
    t = { events: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, toolOk: 0, toolFailed: 0 };
    totals.set(key, t);
  }
  t.events += 1;
  t.costUsd += event.costUsd ?? 0;
  t.inputTokens += event.inputTokens ?? 0;
  t.outputTokens += event.outputTokens ?? 0;
  if (event.type === "tool.finished") {
    if (event.status === "error") t.toolFailed += 1;
    else t.toolOk += 1;
  }
  t.lastEventAt = now;
}

function prepareStatements(db: SqliteDatabase) {
  return {
    insertEvent: db.prepare(
      `INSERT INTO Event (eventId, sessionId, agentId, taskId, commandId, source, type, hookEventType, schemaVersion,
        clientTs, receivedAt, toolName, filePath, status, costUsd, inputTokens, outputTokens, summary,
        payloadEncoding, payloadSize, payload, payloadBlock, payloadOffset)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(eventId) DO NOTHING`,
    ),
    findByEventId: db.prepare(`SELECT seq, sessionId, agentId FROM Event WHERE eventId = ?`),
    sessionById: db.prepare(`SELECT id FROM Session WHERE id = ?`).pluck(),
    sessionByKey: db.prepare(`SELECT id FROM Session WHERE externalKey = ?`).pluck(),
    insertSession: db.prepare(
      `INSERT INTO Session (id, name, externalKey, status, createdAt, updatedAt) VALUES (?, ?, ?, 'active', ?, ?)`,
    ),
    agentById: db.prepare(`SELECT id FROM Agent WHERE id = ? AND sessionId = ?`).pluck(),
    agentByExternal: db.prepare(`SELECT id FROM Agent WHERE sessionId = ? AND externalSessionId = ?`).pluck(),
    insertExternalAgent: db.prepare(
      `INSERT INTO Agent (id, sessionId, name, driver, model, status, externalSessionId, createdAt, updatedAt)
       VALUES (?, ?, ?, 'external', ?, 'idle', ?, ?, ?)`,
    ),
    bumpSessionStats: db.prepare(
      `INSERT INTO SessionStats (sessionId, events, costUsd, inputTokens, outputTokens, toolOk, toolFailed)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(sessionId) DO UPDATE SET events = events + excluded.events, costUsd = costUsd + excluded.costUsd,
         inputTokens = inputTokens + excluded.inputTokens, outputTokens = outputTokens + excluded.outputTokens,
         toolOk = toolOk + excluded.toolOk, toolFailed = toolFailed + excluded.toolFailed`,
    ),
    bumpAgent: db.prepare(
      `UPDATE Agent SET costUsd = costUsd + ?, inputTokens = inputTokens + ?, outputTokens = outputTokens + ?,
         lastEventAt = ?, updatedAt = ? WHERE id = ?`,
    ),
    readAfterInSession: db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM Event WHERE sessionId = ? AND seq > ? ORDER BY seq ASC LIMIT ?`,
    ),
    readAfterAll: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM Event WHERE seq > ? ORDER BY seq ASC LIMIT ?`),
    recent: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM Event ORDER BY seq DESC LIMIT ?`),
    recentTypes: db
      .prepare(`SELECT DISTINCT COALESCE(hookEventType, type) FROM (SELECT hookEventType, type FROM Event ORDER BY seq DESC LIMIT ?) ORDER BY 1`)
      .pluck(),
    commandPage: db.prepare(`SELECT ${SUMMARY_COLUMNS}, ${PAYLOAD_COLUMNS} FROM Event WHERE commandId = ? AND seq > ? ORDER BY seq ASC LIMIT ?`),
    getFull: db.prepare(`SELECT ${SUMMARY_COLUMNS}, ${PAYLOAD_COLUMNS} FROM Event WHERE seq = ?`),
    insertBlock: db.prepare(`INSERT INTO PayloadBlock (id, encoding, size, bytes) VALUES (?, ?, ?, ?)`),
    // The highest block id ever used (AUTOINCREMENT keeps it in sqlite_sequence): ids of deleted blocks are never
    // reused, so a cached inflated block can never be confused with a newer one.
    lastBlockId: db
      .prepare(
        `SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'PayloadBlock'), 0), COALESCE((SELECT MAX(id) FROM PayloadBlock), 0))`,
      )
      .pluck(),
    deleteSessionBlocks: db.prepare(
      `DELETE FROM PayloadBlock WHERE id IN (SELECT payloadBlock FROM Event WHERE sessionId = ? AND payloadBlock IS NOT NULL)`,
    ),
    sessionStats: db.prepare(
      `SELECT events, costUsd, inputTokens, outputTokens, toolOk, toolFailed FROM SessionStats WHERE sessionId = ?`,
    ),
    // The (sessionId, seq) index makes this one seek from the end, however long the session.
    lastReceivedAt: db.prepare(`SELECT receivedAt FROM Event WHERE sessionId = ? ORDER BY seq DESC LIMIT 1`).pluck(),
    sessionRange: db.prepare(`SELECT MIN(receivedAt) AS first, MAX(receivedAt) AS last, COUNT(*) AS events FROM Event WHERE sessionId = ?`),
    histogram: db.prepare(
      `SELECT CAST((receivedAt - @start) / @bucketMs AS INTEGER) AS bucket, agentId, COUNT(*) AS events, TOTAL(costUsd) AS cost
       FROM Event WHERE sessionId = @sessionId AND seq <= @lastSeq GROUP BY bucket, agentId`,
    ),
    deleteSessionEvents: db.prepare(`DELETE FROM Event WHERE sessionId = ?`),
    deleteSessionStats: db.prepare(`DELETE FROM SessionStats WHERE sessionId = ?`),
    lastSeq: db.prepare(`SELECT MAX(seq) FROM Event`).pluck(),
  };
}
