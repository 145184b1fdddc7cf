import { performance } from "node:perf_hooks";
import type { EventWriter } from "@rozet/db";

/** What an ingest route needs of the write path: queue events, resolved once they are durable. */
export type IngestWriter = Pick<EventWriter, "append">;

/** The writer as one ingest route sees it: every committed request is reported (events, seconds to commit). */
export function meteredWriter(writer: IngestWriter, report: (events: number, commitSeconds: number) => void): IngestWriter {
  return {
    async append(events) {
      const started = performance.now();
      const results = await writer.append(events);
      report(events.length, (performance.now() - started) / 1000);
      return results;
    },
  };
}
