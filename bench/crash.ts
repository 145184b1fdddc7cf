/**
 * Crash durability: `npm run bench:crash` (or `node --import tsx bench/crash.ts --rounds=10 --clients=8`).
 *
 * Concurrent clients ingest events (schema v2, each with its own event_id) into a real `rozet start` process while
 * the bench kills it with SIGKILL at a random moment, restarts it on the same home, and does that `--rounds`
 * times. An event counts as acknowledged when its POST answered 2xx (the server answers only once the batch is
 * committed). At the end the database is read directly and every acknowledged event must be there:
 * "acked but lost" is the number that must be 0. Events stored but never acknowledged (in flight at the kill)
 * are fine: the client would resend them, and the event id makes the resend a no-op.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    clients: { type: "string", default: "8" },
    batch: { type: "string", default: "20" },
    "min-ms": { type: "string", default: "500" },
    "max-ms": { type: "string", default: "2500" },
    synchronous: { type: "string", default: "FULL" },
  },
});
const ROUNDS = Number(flags.rounds);
const CLIENTS = Number(flags.clients);
const BATCH = Number(flags.batch);
const MIN_MS = Number(flags["min-ms"]);
const MAX_MS = Number(flags["max-ms"]);
const SYNCHRONOUS = flags.synchronous === "NORMAL" ? "NORMAL" : "FULL";
const ROZET_BIN = fileURLToPath(new URL("../apps/server/bin/rozet.js", import.meta.url));

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

async function startServer(home: string): Promise<Server> {
  const child = spawn(process.execPath, [ROZET_BIN, "start", "--port", "0", "--home", home], {
    env: { ...process.env, ROZET_SQLITE_SYNCHRONOUS: SYNCHRONOUS, ROZET_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /is up: (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    exited.then(() => reject(new Error(`server exited before it was up:\n${output}`)), reject);
  });
  return { child, url, exited };
}

/** One client: posts batches back to back until `stop` is set; records the ids of acknowledged events. */
async function client(server: Server, round: number, id: number, acked: Set<string>, sent: { n: number }, stop: { now: boolean }) {
  let n = 0;
  while (!stop.now) {
    const events = Array.from({ length: BATCH }, () => ({
      schema_version: 2,
      event_id: `crash-r${round}-c${id}-${n++}`,
      source_app: "crash-bench",
      session_id: `client-${id}`,
      hook_event_type: "Notification",
      payload: { message: `round ${round} client ${id} event ${n}`, padding: "x".repeat(200) },
      timestamp: Date.now(),
    }));
    sent.n += events.length;
    try {
      const response = await fetch(`${server.url}/api/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      if (response.ok) for (const event of events) acked.add(event.event_id);
    } catch {
      return; // the server is gone (killed): this client is done for the round
    }
  }
}

const home = mkdtempSync(path.join(os.tmpdir(), "rozet-crash-"));
const acked = new Set<string>();
const sent = { n: 0 };
const rows: string[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const server = await startServer(home);
    const stop = { now: false };
    const before = acked.size;
    const clients = Array.from({ length: CLIENTS }, (_, id) => client(server, round, id, acked, sent, stop));
    const killAfter = MIN_MS + Math.random() * (MAX_MS - MIN_MS);
    await new Promise((resolve) => setTimeout(resolve, killAfter));
    server.child.kill("SIGKILL");
    await server.exited;
    stop.now = true;
    await Promise.all(clients);
    rows.push(`  round ${round}: killed after ${Math.round(killAfter)} ms, ${acked.size - before} events acknowledged`);
  }
  // A last start runs recovery on the crashed home; a graceful stop leaves the database closed cleanly.
  const last = await startServer(home);
  last.child.kill("SIGTERM");
  await last.exited;

  const db = new Database(path.join(home, "rozet.db"), { readonly: true });
  const stored = new Set((db.prepare(`SELECT eventId FROM Event WHERE eventId LIKE 'crash-%'`).pluck().all() as string[]));
  const rowsStored = (db.prepare(`SELECT count(*) FROM Event WHERE eventId LIKE 'crash-%'`).pluck().get() as number);
  db.close();
  const lost = [...acked].filter((id) => !stored.has(id));
  const unacked = [...stored].filter((id) => !acked.has(id)).length;

  console.log(`crash bench: ${ROUNDS} × kill -9, ${CLIENTS} clients, batches of ${BATCH}, synchronous=${SYNCHRONOUS}`);
  for (const row of rows) console.log(row);
  console.log(`  sent (attempted):        ${sent.n}`);
  console.log(`  acknowledged:            ${acked.size}`);
  console.log(`  stored:                  ${stored.size} (rows: ${rowsStored}, duplicates: ${rowsStored - stored.size})`);
  console.log(`  stored, not acknowledged (in flight at a kill): ${unacked}`);
  console.log(`  acknowledged but LOST:   ${lost.length}  ${lost.length === 0 ? "PASS" : `FAIL e.g. ${lost.slice(0, 5).join(", ")}`}`);
  process.exitCode = lost.length === 0 ? 0 : 1;
} finally {
  rmSync(home, { recursive: true, force: true });
}
