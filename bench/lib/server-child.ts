/**
 * The Rozet server under test, in its own process: the same startServer() the `rozet start` CLI runs, with the
 * configuration the CLI would take from the environment (ROZET_HOME is set by the bench to a fresh temp dir;
 * ROZET_SQLITE_SYNCHRONOUS is honoured, default FULL). Talks to the bench over IPC:
 *   → { type: "ready", port, url, synchronous }
 *   ← { id, cmd: "page", sessionId, limit, cursors }   in-process timing of EventStore.page() (+ JSON.stringify)
 *   ← { id, cmd: "checkpoint" }                        PRAGMA wal_checkpoint(TRUNCATE) on a second connection
 *   ← { id, cmd: "mem", gc? }                          process.memoryUsage() (optionally after a full GC)
 *   ← { id, cmd: "snapshot" }                          v8.writeHeapSnapshot() (diagnostics), answers the file name
 *   ← { id, cmd: "close" }                             graceful close, then exit (writes --cpu-prof output)
 */
import v8 from "node:v8";
import vm from "node:vm";
import Database from "better-sqlite3";
import { configFromEnv, homePaths, startServer } from "@rozet/server";

const home = process.env.ROZET_HOME;
if (!home) throw new Error("ROZET_HOME must be set");

// The page is served only when a bench opens it (ROZET_BENCH_WEB=1): the others measure the server alone.
const server = await startServer({ ...configFromEnv(), home, port: 0, quiet: true, ...(process.env.ROZET_BENCH_WEB === "1" ? {} : { webDist: null }) });
const dbFile = homePaths(home).database;

interface Message {
  id: number;
  cmd: "page" | "checkpoint" | "mem" | "snapshot" | "close";
  gc?: boolean;
  sessionId?: string;
  limit?: number;
  cursors?: (number | null)[];
}

function reply(id: number, result: unknown): void {
  process.send!({ id, result });
}

async function handle(msg: Message): Promise<void> {
  try {
    switch (msg.cmd) {
      case "page": {
        const store = server.room.events;
        const page: number[] = [];
        const pageAndJson: number[] = [];
        let rows = 0;
        for (const cursor of msg.cursors!) {
          const t0 = performance.now();
          const result = await store.page({ sessionId: msg.sessionId!, limit: msg.limit!, ...(cursor === null ? {} : { before: cursor }) });
          const t1 = performance.now();
          JSON.stringify(result);
          const t2 = performance.now();
          page.push(t1 - t0);
          pageAndJson.push(t2 - t0);
          rows += result.events.length;
        }
        reply(msg.id, { page, pageAndJson, rows });
        break;
      }
      case "checkpoint": {
        const db = new Database(dbFile);
        try {
          db.pragma("busy_timeout = 10000");
          reply(msg.id, db.pragma("wal_checkpoint(TRUNCATE)"));
        } finally {
          db.close();
        }
        break;
      }
      case "mem": {
        if (msg.gc) {
          v8.setFlagsFromString("--expose-gc");
          (vm.runInNewContext("gc") as () => void)();
        }
        reply(msg.id, process.memoryUsage());
        break;
      }
      case "snapshot":
        reply(msg.id, v8.writeHeapSnapshot());
        break;
      case "close":
        await server.close();
        reply(msg.id, true);
        process.exit(0);
    }
  } catch (error) {
    process.send!({ id: msg.id, error: String((error as Error)?.stack ?? error) });
  }
}

function die(error: unknown): never {
  console.error(error);
  process.exit(1);
}

process.on("message", (msg: Message) => {
  handle(msg).catch(die);
});
process.on("disconnect", () => {
  server.close().then(() => process.exit(0), die);
});

process.send!({ type: "ready", port: server.port, url: server.url, synchronous: server.config.synchronous });
