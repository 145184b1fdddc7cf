import pg from "pg";
import { pgConnection, type PgSessionSettings } from "../postgres.ts";
import { PgCommitConnection } from "./pg-commit-connection.ts";
import { ResilientPool } from "../pg-pool.ts";
import { EventPositions } from "./positions.ts";
import { newId } from "@rozet/vocabulary";
import { OwnCommits } from "../replicas/own-commits.ts";
import { decodeBytes, decodePayload, encodeCommit, PayloadEncoding, type EncodedCommit } from "./payload.ts";
import { filterClause, SUMMARY_COLUMNS } from "./sql-filter.ts";
import { commandPage, commandPageLength, foldHistogram, histogramBuckets, timelinePage } from "./store-results.ts";
import type {
  AppendOutcome,
  CommandPage,
  CommandPageQuery,
  EventHistogram,
  EventStore,
  EventSummary,
  FullEvent,
  NewEvent,
  SessionEventStats,
  TimelinePage,
  TimelineQuery,
  TimelineWindow,
  WindowQuery,
} from "./types.ts";

/** Column names are camelCase like the SQLite schema's: quoted, since Postgres folds unquoted names to lower case. */
const quote = (columns: string) => columns.split(",").map((c) => `"${c.trim()}"`).join(", ");
const SUMMARY = quote(SUMMARY_COLUMNS);
const FULL = `${SUMMARY}, "payloadEncoding", "payload", "payloadBlock", "payloadOffset"`;
const INSERT_COLUMNS = quote(`eventId, sessionId, agentId, taskId, commandId, source, type, hookEventType, schemaVersion,
  clientTs, receivedAt, toolName, filePath, status, costUsd, inputTokens, outputTokens, summary,
  payloadEncoding, payloadSize, payload, payloadBlock, payloadOffset`);
const INSERT_WIDTH = 23;

type StoredEvent = EventSummary & { payloadEncoding: number; payload: Buffer | null; payloadBlock: number | null; payloadOffset: number | null };


/** The channel a commit announces its newest seq on (every replica LISTENs; see PgEventFanout). */
export const EVENTS_CHANNEL = "rozet_events";
/**
 * The advisory lock every event commit holds from seq allocation to COMMIT, on every replica: commits take seqs in
 * commit order, so once seq N is visible every lower seq is committed or gone, and "seq > cursor" skips nothing.
 */
export const EVENT_COMMIT_LOCK = 0x726f7a6574; // "rozet"

/** Named `@param`s of the shared filter SQL → Postgres `$n`. */
function positional(sql: string, params: Record<string, unknown>): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const index = new Map<string, number>();
  const text = sql.replace(/@(\w+)/g, (_, name: string) => {
    if (!index.has(name)) {
      values.push(params[name]);
      index.set(name, values.length);
    }
    return `$${index.get(name)}`;
  });
  return { text, values };
}

/**
 * The shared filter in Postgres terms: column names quoted, and ILIKE for LIKE, which is case-insensitive on SQLite
 * (ASCII) but not on Postgres.
 */
function pgFilter(filter: Parameters<typeof filterClause>[0]) {
  const { where, params } = filterClause(filter);
  const pgWhere = where.map((w) => w.replace(/\b(sessionId|agentId|taskId|type|summary|toolName|filePath)\b(?= (=|IN|LIKE))/g, '"$1"').replace(/\bLIKE\b/g, "ILIKE"));
  return { where: pgWhere, params };
}

/**
 * The Postgres event store: one connection for commits (one batch = one multi-row INSERT … ON CONFLICT DO NOTHING in
 * one transaction; resolved = committed, so acknowledged = committed and, with synchronous_commit on, durable), a
 * pool for reads.
 */
export class PgEventStore implements EventStore {
  private readonly blocks = new Map<number, Buffer>();
  /** Seqs this store committed (for the fan-out: which events are this replica's own). */
  readonly ownCommits = new OwnCommits();

  /** Position ↔ seq of session timelines, with per-chunk counts cached in this process (see EventPositions). */
  private readonly positions = new EventPositions({
    where: pgFilter,
    all: (sql, params) => this.rows(sql, params),
    summaryColumns: SUMMARY,
    chunksPerQuery: Infinity,
  });

  private constructor(
    private readonly writer: PgCommitConnection,
    private readonly reader: pg.Pool,
  ) {}

  /**
   * On a database migrated with prisma/postgres/migrations (openDatabase and migratePostgres do that).
   * `onConnectionError` hears connections the server ends under us (restart, admin shutdown). pg emits those as
   * 'error' events, which would otherwise crash the process; the next query on such a connection fails instead.
   */
  static async open(url: string, options: PgSessionSettings & { onConnectionError?: (error: Error) => void } = {}): Promise<PgEventStore> {
    const onError = options.onConnectionError ?? (() => undefined);
    const writer = await PgCommitConnection.open(pgConnection(url, options), onError);
    const reader = new ResilientPool({ ...pgConnection(url, options), max: 4 });
    reader.on("error", onError);
    return new PgEventStore(writer, reader);
  }

  async appendBatch(events: NewEvent[], encoded?: EncodedCommit): Promise<AppendOutcome> {
    const { blocks, placements } = encoded ?? encodeCommit(events.map((e) => e.session.ref), events.map((e) => e.payloadJson));
    return this.writer.transaction(async (db) => {
      const outcome: AppendOutcome = { results: [], stored: [], createdSessions: [], createdAgents: [] };
      const sessionIds = new Map<string, string>();
      const agentIds = new Map<string, string>();
      for (const event of events) {
        let sessionId = sessionIds.get(event.session.ref);
        if (!sessionId) {
          sessionId = await this.resolveSession(db, event.session, outcome);
          sessionIds.set(event.session.ref, sessionId);
        }
        if (event.agent && !agentIds.has(`${sessionId}\u0000${event.agent.ref}`)) {
          agentIds.set(`${sessionId}\u0000${event.agent.ref}`, await this.resolveAgent(db, sessionId, event.agent, outcome));
        }
      }
      const blockIds = blocks.length
        ? ((await db.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('"PayloadBlock"', 'id')) AS id FROM generate_series(1, $1)`, [blocks.length])).rows.map((r) => r.id))
        : [];
      const receivedAt = Date.now();
      const values: unknown[] = [];
      const rows: string[] = [];
      for (const [i, event] of events.entries()) {
        const sessionId = sessionIds.get(event.session.ref)!;
        const agentId = event.agent ? agentIds.get(`${sessionId}\u0000${event.agent.ref}`)! : null;
        const placement = placements[i]!;
        const inBlock = "block" in placement;
        const base = values.length;
        values.push(
          event.eventId, sessionId, agentId, event.taskId ?? null, event.commandId ?? null, event.source, event.type, event.hookEventType ?? null,
          event.schemaVersion, event.clientTs ?? null, receivedAt, event.toolName ?? null, event.filePath ?? null, event.status ?? null,
          event.costUsd ?? null, event.inputTokens ?? null, event.outputTokens ?? null, event.summary ?? null,
          inBlock ? PayloadEncoding.inBlock : placement.encoding, placement.size, inBlock ? null : placement.bytes,
          inBlock ? blockIds[placement.block] : null, inBlock ? placement.offset : null,
        );
        rows.push(`(${Array.from({ length: INSERT_WIDTH }, (_, k) => `$${base + k + 1}`).join(", ")})`);
      }
      // Held until COMMIT: no other replica allocates seqs meanwhile (seq order = commit order).
      await db.query("SELECT pg_advisory_xact_lock($1)", [EVENT_COMMIT_LOCK]);
      const inserted = await db.query<{ seq: number; eventId: string }>(
        `INSERT INTO "Event" (${INSERT_COLUMNS}) VALUES ${rows.join(", ")} ON CONFLICT ("eventId") DO NOTHING RETURNING "seq", "eventId"`,
        values,
      );
      const seqs = new Map(inserted.rows.map((r) => [r.eventId, r.seq]));
      const duplicates = events.filter((e) => !seqs.has(e.eventId)).map((e) => e.eventId);
      const existing = duplicates.length
        ? new Map((await db.query<{ seq: number; eventId: string; sessionId: string; agentId: string | null }>(`SELECT "seq", "eventId", "sessionId", "agentId" FROM "Event" WHERE "eventId" = ANY($1)`, [duplicates])).rows.map((r) => [r.eventId, r]))
        : new Map<string, never>();
      const usedBlocks = new Set<number>();
      const totals = new Map<string, { events: number; costUsd: number; inputTokens: number; outputTokens: number; toolOk: number; toolFailed: number }>();
      const agentTotals = new Map<string, { costUsd: number; inputTokens: number; outputTokens: number }>();
      // An eventId twice in one batch: the first is stored, the second is its duplicate.
      const seen = new Map<string, { seq: number; sessionId: string; agentId: string | null }>();
      for (const [i, event] of events.entries()) {
        const seq = seqs.get(event.eventId);
        const earlier = existing.get(event.eventId) ?? seen.get(event.eventId);
        if (seq === undefined || earlier) {
          const row = earlier!;
          outcome.results.push({ eventId: event.eventId, seq: row.seq, duplicate: true, sessionId: row.sessionId, agentId: row.agentId });
          continue;
        }
        const sessionId = sessionIds.get(event.session.ref)!;
        const agentId = event.agent ? agentIds.get(`${sessionId}\u0000${event.agent.ref}`)! : null;
        const placement = placements[i]!;
        if ("block" in placement) usedBlocks.add(placement.block);
        const summary: EventSummary = {
          seq, eventId: event.eventId, sessionId, agentId, taskId: event.taskId ?? null, commandId: event.commandId ?? null, source: event.source,
          type: event.type, hookEventType: event.hookEventType ?? null, schemaVersion: event.schemaVersion, clientTs: event.clientTs ?? null,
          receivedAt, toolName: event.toolName ?? null, filePath: event.filePath ?? null, status: event.status ?? null, costUsd: event.costUsd ?? null,
          inputTokens: event.inputTokens ?? null, outputTokens: event.outputTokens ?? null, summary: event.summary ?? null, payloadSize: placement.size,
        };
        outcome.stored.push(summary);
        outcome.results.push({ eventId: event.eventId, seq, duplicate: false, sessionId, agentId });
        seen.set(event.eventId, { seq, sessionId, agentId });
        const t = totals.get(sessionId) ?? { events: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, toolOk: 0, toolFailed: 0 };
        t.events += 1;
        t.costUsd += summary.costUsd ?? 0;
        t.inputTokens += summary.inputTokens ?? 0;
        t.outputTokens += summary.outputTokens ?? 0;
        if (summary.type === "tool.finished") {
          if (summary.status === "error") t.toolFailed += 1;
          else t.toolOk += 1;
        }
        totals.set(sessionId, t);
        if (agentId) {
          const a = agentTotals.get(agentId) ?? { costUsd: 0, inputTokens: 0, outputTokens: 0 };
          a.costUsd += summary.costUsd ?? 0;
          a.inputTokens += summary.inputTokens ?? 0;
          a.outputTokens += summary.outputTokens ?? 0;
          agentTotals.set(agentId, a);
        }
      }
      outcome.stored.sort((a, b) => a.seq - b.seq);
      for (const i of usedBlocks) {
        const block = blocks[i]!;
        await db.query(`INSERT INTO "PayloadBlock" ("id", "encoding", "size", "bytes") VALUES ($1, $2, $3, $4)`, [blockIds[i], block.encoding, block.size, block.bytes]);
      }
      for (const [sessionId, t] of totals) {
        await db.query(
          `INSERT INTO "SessionStats" ("sessionId", "events", "costUsd", "inputTokens", "outputTokens", "toolOk", "toolFailed") VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT ("sessionId") DO UPDATE SET "events" = "SessionStats"."events" + excluded."events", "costUsd" = "SessionStats"."costUsd" + excluded."costUsd",
             "inputTokens" = "SessionStats"."inputTokens" + excluded."inputTokens", "outputTokens" = "SessionStats"."outputTokens" + excluded."outputTokens",
             "toolOk" = "SessionStats"."toolOk" + excluded."toolOk", "toolFailed" = "SessionStats"."toolFailed" + excluded."toolFailed"`,
          [sessionId, t.events, t.costUsd, t.inputTokens, t.outputTokens, t.toolOk, t.toolFailed],
        );
      }
      for (const [agentId, a] of agentTotals) {
        await db.query(
          `UPDATE "Agent" SET "costUsd" = "costUsd" + $1, "inputTokens" = "inputTokens" + $2, "outputTokens" = "outputTokens" + $3, "lastEventAt" = now(), "updatedAt" = now() WHERE "id" = $4`,
          [a.costUsd, a.inputTokens, a.outputTokens, agentId],
        );
      }
      const last = outcome.stored.at(-1);
      if (last) {
        // Recorded before COMMIT, so the fan-out knows them as its own before their notification can arrive.
        this.ownCommits.add(outcome.stored[0]!.seq, last.seq);
        // Delivered at COMMIT, only if it commits: a cursor (the newest seq), never the events (payloads ≤ 8000 bytes).
        await db.query("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, String(last.seq)]);
      }
      return outcome;
    });
  }

  private async resolveSession(db: pg.ClientBase, ref: { ref: string; name?: string }, outcome: AppendOutcome): Promise<string> {
    const found = await db.query<{ id: string }>(`SELECT "id" FROM "Session" WHERE "id" = $1 OR "externalKey" = $1 LIMIT 1`, [ref.ref]);
    if (found.rows[0]) return found.rows[0].id;
    // Another replica may create it at the same time: the loser waits for its commit and takes that row.
    const id = newId();
    const created = await db.query(`INSERT INTO "Session" ("id", "name", "externalKey", "updatedAt") VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING`, [id, ref.name ?? ref.ref, ref.ref]);
    if (created.rowCount === 0) return this.resolveSession(db, ref, outcome);
    outcome.createdSessions.push(id);
    return id;
  }

  private async resolveAgent(db: pg.ClientBase, sessionId: string, ref: { ref: string; name?: string; model?: string }, outcome: AppendOutcome): Promise<string> {
    const found = await db.query<{ id: string }>(
      `SELECT "id" FROM "Agent" WHERE "sessionId" = $1 AND ("id" = $2 OR "externalSessionId" = $2) LIMIT 1`,
      [sessionId, ref.ref],
    );
    if (found.rows[0]) return found.rows[0].id;
    const id = newId();
    const created = await db.query(
      `INSERT INTO "Agent" ("id", "sessionId", "name", "driver", "model", "status", "externalSessionId", "updatedAt") VALUES ($1, $2, $3, 'external', $4, 'idle', $5, now()) ON CONFLICT DO NOTHING`,
      [id, sessionId, ref.name ?? ref.ref, ref.model ?? null, ref.ref],
    );
    if (created.rowCount === 0) return this.resolveAgent(db, sessionId, ref, outcome);
    outcome.createdAgents.push({ id, sessionId });
    return id;
  }

  private async rows<Row>(sql: string, params: Record<string, unknown>): Promise<Row[]> {
    const { text, values } = positional(sql, params);
    return (await this.reader.query(text, values)).rows as Row[];
  }

  private select<Row>(columns: string, query: TimelineQuery, ascending: boolean): Promise<Row[]> {
    const { where, params } = pgFilter(query);
    params.limit = query.limit + 1;
    if (query.after !== undefined) {
      where.push(`"seq" > @after`);
      params.after = query.after;
    }
    if (query.before !== undefined) {
      where.push(`"seq" < @before`);
      params.before = query.before;
    }
    return this.rows<Row>(`SELECT ${columns} FROM "Event" WHERE ${where.join(" AND ")} ORDER BY "seq" ${ascending ? "ASC" : "DESC"} LIMIT @limit`, params);
  }

  async page(query: TimelineQuery): Promise<TimelinePage> {
    const forward = query.after !== undefined && query.before === undefined;
    const rows = await this.select<EventSummary>(SUMMARY, query, forward);
    return timelinePage(rows, query, forward, await this.lastSeq());
  }

  window(query: WindowQuery): Promise<TimelineWindow> {
    return this.lastSeq().then((lastSeq) => this.positions.window(query, lastSeq));
  }

  async readAfter(filter: { sessionId?: string | undefined; afterSeq: number; limit: number }): Promise<EventSummary[]> {
    return filter.sessionId
      ? (await this.reader.query<EventSummary>(`SELECT ${SUMMARY} FROM "Event" WHERE "sessionId" = $1 AND "seq" > $2 ORDER BY "seq" LIMIT $3`, [filter.sessionId, filter.afterSeq, filter.limit])).rows
      : (await this.reader.query<EventSummary>(`SELECT ${SUMMARY} FROM "Event" WHERE "seq" > $1 ORDER BY "seq" LIMIT $2`, [filter.afterSeq, filter.limit])).rows;
  }

  async get(seq: number): Promise<FullEvent | undefined> {
    const row = (await this.reader.query<StoredEvent>(`SELECT ${FULL} FROM "Event" WHERE "seq" = $1`, [seq])).rows[0];
    return row && this.withPayload(row);
  }

  async exportPage(query: TimelineQuery & { after: number }): Promise<FullEvent[]> {
    const rows = await this.select<StoredEvent>(FULL, { ...query, limit: query.limit - 1 }, true);
    return Promise.all(rows.map((row) => this.withPayload(row)));
  }

  async commandPage(query: CommandPageQuery): Promise<CommandPage> {
    const rows = (await this.reader.query<StoredEvent>(`SELECT ${FULL} FROM "Event" WHERE "commandId" = $1 AND "seq" > $2 ORDER BY "seq" LIMIT $3`, [query.commandId, query.after ?? 0, query.limit + 1])).rows;
    const kept = commandPageLength(rows, query.limit, query.maxPayloadBytes);
    return commandPage(await Promise.all(rows.slice(0, kept).map((row) => this.withPayload(row))), rows.length);
  }

  private async withPayload({ payloadEncoding, payload, payloadBlock, payloadOffset, ...summary }: StoredEvent): Promise<FullEvent> {
    if (payloadEncoding !== PayloadEncoding.inBlock) return { ...summary, payload: decodePayload(payloadEncoding, payload) };
    let block = this.blocks.get(payloadBlock!);
    if (!block) {
      const row = (await this.reader.query<{ encoding: number; bytes: Buffer }>(`SELECT "encoding", "bytes" FROM "PayloadBlock" WHERE "id" = $1`, [payloadBlock])).rows[0];
      if (!row) return { ...summary, payload: null };
      block = decodeBytes(row.encoding, row.bytes);
      if (this.blocks.size >= 16) this.blocks.delete(this.blocks.keys().next().value!);
      this.blocks.set(payloadBlock!, block);
    }
    return { ...summary, payload: decodePayload(PayloadEncoding.utf8, block.subarray(payloadOffset!, payloadOffset! + summary.payloadSize)) };
  }

  async stats(sessionId: string): Promise<SessionEventStats> {
    const row = (await this.reader.query(`SELECT "events", "costUsd", "inputTokens", "outputTokens", "toolOk", "toolFailed" FROM "SessionStats" WHERE "sessionId" = $1`, [sessionId])).rows[0] as Omit<SessionEventStats, "lastEventAt"> | undefined;
    const last = (await this.reader.query<{ receivedAt: number }>(`SELECT "receivedAt" FROM "Event" WHERE "sessionId" = $1 ORDER BY "seq" DESC LIMIT 1`, [sessionId])).rows[0];
    return { ...(row ?? { events: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, toolOk: 0, toolFailed: 0 }), lastEventAt: last?.receivedAt ?? null };
  }

  async histogram(sessionId: string, maxBuckets: number): Promise<EventHistogram> {
    const lastSeq = await this.lastSeq();
    const range = (await this.reader.query<{ first: number | null; last: number | null; events: number }>(`SELECT MIN("receivedAt") AS first, MAX("receivedAt") AS last, COUNT(*) AS events FROM "Event" WHERE "sessionId" = $1`, [sessionId])).rows[0]!;
    if (range.first === null || range.last === null) return { bucketMs: 1_000, maxBuckets, start: null, counts: [], cost: [], costByAgent: {}, lastSeq, events: 0 };
    const buckets = histogramBuckets(range.first, range.last, maxBuckets);
    const rows = (await this.reader.query<{ bucket: number; agentId: string | null; events: number; cost: number }>(
      `SELECT floor(("receivedAt" - $2) / $3)::bigint AS bucket, "agentId", COUNT(*) AS events, COALESCE(SUM("costUsd"), 0) AS cost
       FROM "Event" WHERE "sessionId" = $1 AND "seq" <= $4 GROUP BY bucket, "agentId"`,
      [sessionId, buckets.start, buckets.bucketMs, lastSeq],
    )).rows;
    return foldHistogram(rows, buckets, { maxBuckets, lastSeq, events: range.events });
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.writer.transaction(async (db) => {
      await db.query(`DELETE FROM "PayloadBlock" WHERE "id" IN (SELECT "payloadBlock" FROM "Event" WHERE "sessionId" = $1 AND "payloadBlock" IS NOT NULL)`, [sessionId]);
      await db.query(`DELETE FROM "Event" WHERE "sessionId" = $1`, [sessionId]);
      await db.query(`DELETE FROM "SessionStats" WHERE "sessionId" = $1`, [sessionId]);
    });
    this.positions.forget(sessionId);
  }

  async recent(limit: number): Promise<EventSummary[]> {
    return (await this.reader.query<EventSummary>(`SELECT ${SUMMARY} FROM "Event" ORDER BY "seq" DESC LIMIT $1`, [limit])).rows.reverse();
  }

  async recentTypes(window: number): Promise<string[]> {
    return (await this.reader.query<{ t: string }>(`SELECT DISTINCT COALESCE("hookEventType", "type") AS t FROM (SELECT "hookEventType", "type" FROM "Event" ORDER BY "seq" DESC LIMIT $1) r ORDER BY t`, [window])).rows.map((r) => r.t);
  }

  async lastSeq(): Promise<number> {
    return (await this.reader.query<{ seq: number | null }>(`SELECT MAX("seq") AS seq FROM "Event"`)).rows[0]!.seq ?? 0;
  }

  /** A commit is durable when COMMIT returns (synchronous_commit on): nothing more to wait for. */
  sync(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.writer.close();
    await this.reader.end();
  }
}
