/**
 * The event store side by side: the same events through the EventWriter into SQLite (synchronous=FULL, the
 * default) and into Postgres (Debian's server started by startTestPostgres, fsync on), in-process (no HTTP).
 * Prints events/s for single-event appends (32 in flight, the hook path) and 1,000-event batches (4 in flight).
 * `node --import tsx bench/ingest-pg.ts [--events=N]`
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseIngestBody } from "@rozet/api";
import { EventWriter, openDatabase, type EventStore, type NewEvent } from "@rozet/db";
import { startTestPostgres } from "@rozet/db/testing";
import { benchEventStream } from "./lib/events.ts";

const { values } = parseArgs({ options: { events: { type: "string", default: "20000" } } });
const N = Number(values.events);
const next = benchEventStream({ seed: 7 });
const events: NewEvent[] = Array.from({ length: N }, () => next()).flatMap((e) => parseIngestBody(e));

async function measure(store: EventStore, label: string): Promise<void> {
  const writer = new EventWriter({ store, onCommit: () => undefined });
  const run = async (tag: string, perRequest: number, inFlight: number) => {
    const fresh = events.map((e) => ({ ...e, eventId: `${tag}-${e.eventId}` }));
    let cursor = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (cursor < fresh.length) {
          const batch = fresh.slice(cursor, cursor + perRequest);
          cursor += perRequest;
          await writer.append(batch);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1_000;
    console.log(`${label.padEnd(10)} ${`${perRequest === 1 ? "single events" : `batches of ${perRequest}`}, ${inFlight} in flight`.padEnd(34)} ${Math.round(fresh.length / seconds).toLocaleString("en-US").padStart(8)} events/s`);
  };
  await run("single", 1, 32);
  await run("batch", 1_000, 4);
  await writer.close();
  await store.close();
}

console.log(`${N.toLocaleString("en-US")} default bench events per run; load average ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")}`);
const home = mkdtempSync(path.join(tmpdir(), "rozet-ingest-pg-"));
const sqlite = await openDatabase(path.join(home, "rozet.db"));
await measure(sqlite.events, "sqlite");
await sqlite.prisma.$disconnect();
rmSync(home, { recursive: true, force: true });
const server = await startTestPostgres({ fsync: true });
try {
  const postgres = await openDatabase(server.url);
  await measure(postgres.events, "postgres");
  await postgres.prisma.$disconnect();
} finally {
  await server.stop();
}
