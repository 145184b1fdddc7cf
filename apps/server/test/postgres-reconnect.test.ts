import pg from "pg";
import { createTestDatabase, startTestPostgres, type TestPostgres } from "@rozet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, legacyEvent, postJson, removeHome, tempHome, waitFor } from "./harness.ts";
import { startServerProcess, stopServerProcess, type ServerProcess } from "./server-process.ts";

/**
 * Postgres ends every connection of the server at once (a restart, a failover, an admin's pg_terminate_backend): the
 * server lives on, and the next calls work on new connections — ingest, the live feed, the models.
 */
describe("a server on Postgres whose connections are all ended", () => {
  let postgres: TestPostgres;
  let url: string;
  let admin: pg.Client;
  let server: ServerProcess;
  const home = tempHome();
  beforeAll(async () => {
    postgres = await startTestPostgres({ fsync: false });
    url = await createTestDatabase(postgres, "reconnect");
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    server = await startServerProcess(home, { ROZET_DATABASE_URL: url });
  }, 120_000);
  afterAll(async () => {
    await stopServerProcess(server).catch(() => undefined);
    await admin?.end();
    await postgres?.stop();
    removeHome(home);
  });

  const ingest = async (from: number, count: number) => {
    const res = await postJson(`${server.url}/api/events`, Array.from({ length: count }, (_, i) => legacyEvent(from + i, { source_app: "reconnect", session_id: "cut" })));
    return res;
  };

  it("goes on: events are acknowledged and stored, the subscription gets them, sessions are created", async () => {
    const client = clientFor(server.url);
    try {
      const before = await ingest(0, 10);
      expect(before.status).toBe(200);
      const sessionId = (before.body.results as { sessionId: string }[])[0]!.sessionId;
      const received: number[] = [];
      const sub = client.api.event.subscribe.subscribe({ sessionId, lastEventId: "0" }, { onData: (e) => void received.push(e.data.seq) });
      await waitFor(() => received.length >= 10, 10_000, "the first events on the subscription");

      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      expect(rows[0]!.n).toBeGreaterThan(3);

      // Before, the event store's one commit connection stayed dead: every ingest after this answered 500.
      const after = await ingest(10, 10);
      expect(after.status, `${JSON.stringify(after.body)}\n${server.output().slice(-4000)}`).toBe(200);
      const seqs = (after.body.results as { seq: number }[]).map((r) => r.seq);
      await waitFor(() => seqs.every((seq) => received.includes(seq)), 20_000, "the later events on the subscription");
      expect(received).toEqual([...new Set(received)].sort((a, b) => a - b));
      const page = await client.api.event.timeline.query({ sessionId, limit: 50 });
      expect(page.events).toHaveLength(20);
      const session = await client.api.session.create.mutate({ name: "after the cut" });
      expect((await client.api.session.get.query({ id: session.id })).name).toBe("after the cut");
      sub.unsubscribe();
    } finally {
      await client.close();
    }
  }, 60_000);
});
