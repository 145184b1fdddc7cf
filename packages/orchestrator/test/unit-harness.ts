import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createBus, EventWriter, localLeases, localSignals, openDatabase, type ControlUpdate, type Database } from "@rozet/db";
import { newId, type Logger } from "@rozet/vocabulary";
import { ControlFeed } from "../src/control-feed.ts";
import type { Stores } from "../src/deps.ts";
import type { Replicas, ReplicaTopics } from "../src/replica-topics.ts";

/** A logger that keeps what it was told, for tests that assert on background failures. */
export function recordingLogger() {
  const lines: { level: "error" | "warn" | "info"; context: Record<string, unknown>; message: string }[] = [];
  const at = (level: "error" | "warn" | "info") => (context: Record<string, unknown>, message: string) => void lines.push({ level, context, message });
  const log: Logger = { error: at("error"), warn: at("warn"), info: at("info") };
  return { log, lines };
}

/**
 * The stores a service unit test hands to the one service under test: a real SQLite database on a temp file
 * (migrated, as the server opens it), the real event writer and control feed, and a recording logger. No
 * control room is built: each test wires the service with exactly what it takes.
 */
export interface UnitStores extends Stores {
  database: Database;
  home: string;
  /** Everything published on the control feed, in order. */
  published: ControlUpdate[];
  logLines: ReturnType<typeof recordingLogger>["lines"];
  close(): Promise<void>;
}

/**
 * `databaseFile`: share another stores' database (a second replica of the same control room); `replicas`: how it
 * reaches the others (none by default).
 */
export async function openUnitStores(opts: { databaseFile?: string; replicas?: Replicas } = {}): Promise<UnitStores> {
  const home = mkdtempSync(path.join(os.tmpdir(), "rozet-unit-"));
  const workspacesRoot = path.join(home, "ws");
  mkdirSync(workspacesRoot, { recursive: true });
  // NORMAL: these tests need a real store, not a durable one (no fsync per commit).
  const database = await openDatabase(opts.databaseFile ?? path.join(home, "rozet.db"), { synchronous: "NORMAL" });
  const bus = createBus();
  const { log, lines } = recordingLogger();
  const replicas = opts.replicas ?? localSignals<ReplicaTopics>();
  const control = new ControlFeed({ bus, replicas, log });
  const published: ControlUpdate[] = [];
  bus.subscribe("control", (entry) => void published.push(entry.update));
  const writer = new EventWriter({
    store: database.events,
    log,
    onCommit(outcome) {
      if (outcome.stored.length > 0) bus.publish("events", outcome.stored, "local");
    },
  });
  return {
    prisma: database.prisma,
    events: database.events,
    writer,
    bus,
    control,
    replicas,
    leases: localLeases(),
    log,
    workspacesRoot,
    database,
    home,
    published,
    logLines: lines,
    async close() {
      await writer.close().catch(() => undefined);
      await database.close().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A session row with a workspace folder under the stores' workspaces root. */
export async function seedSession(stores: UnitStores, opts: { workspace?: string | null } = {}) {
  const id = newId();
  const workspaceRoot = opts.workspace === null ? null : path.join(stores.workspacesRoot, opts.workspace ?? `s-${id.slice(0, 8)}`);
  if (workspaceRoot) mkdirSync(workspaceRoot, { recursive: true });
  return stores.prisma.session.create({ data: { id, name: `session ${id.slice(0, 6)}`, workspaceRoot } });
}

/** An agent row as createAgent stores it (status `starting` unless told otherwise). */
export async function seedAgent(
  stores: UnitStores,
  sessionId: string,
  opts: { name?: string; driver?: string; status?: string; budgetUsd?: number | null; budgetTokens?: number | null; config?: Record<string, unknown> } = {},
) {
  const id = newId();
  return stores.prisma.agent.create({
    data: {
      id,
      sessionId,
      name: opts.name ?? `agent-${id.slice(0, 6)}`,
      driver: opts.driver ?? "scripted",
      status: opts.status ?? "starting",
      config: JSON.stringify(opts.config ?? {}),
      budgetUsd: opts.budgetUsd ?? null,
      budgetTokens: opts.budgetTokens ?? null,
    },
  });
}

/** The session's timeline as stored (after the writer has committed what was appended so far). */
export async function timeline(stores: UnitStores, sessionId: string) {
  await stores.writer.flushNow();
  return await stores.events.readAfter({ sessionId, afterSeq: 0, limit: 10_000 });
}

/** Polls until `check` holds (or throws with the label after the timeout): synchronise on state, never sleep. */
export async function waitFor<T>(check: () => T | Promise<T>, label: string, timeoutMs = 5_000): Promise<NonNullable<T>> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
