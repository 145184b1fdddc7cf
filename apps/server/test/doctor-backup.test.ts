import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migratePostgres } from "@rozet/db";
import { startTestPostgres } from "@rozet/db/testing";
import { checkSqliteDriver } from "../src/cli/doctor.ts";
import { legacyEvent, postJson, removeHome, ROZET_BIN, runProcess, startTestServer, tempHome } from "./harness.ts";
import { TEST_STORE } from "./test-store.ts";

const rozet = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runProcess(process.execPath, [ROZET_BIN, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });

describe("rozet doctor", () => {
  it("names a port held by another program (exit 1), a running control room, hooks, keys by name only", async () => {
    const other = createServer((_req, res) => res.end("not rozet"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const otherPort = (other.address() as AddressInfo).port;
    const home = tempHome();
    try {
      const busy = await rozet(["doctor", "--port", String(otherPort), "--home", home, "--project", home]);
      expect(busy.code, busy.stderr).toBe(1);
      expect(busy.stdout).toMatch(new RegExp(`^fail\\s+port\\s+127\\.0\\.0\\.1:${otherPort} is in use by another program`, "m"));
      expect(busy.stdout).toMatch(/^(ok|warn)\s+node\s+Node \d+/m);
      expect(busy.stdout).toMatch(new RegExp(`^ok\\s+sqlite\\s+better-sqlite3 \\d+\\.\\d+\\.\\d+ \\(SQLite 3\\.\\d+\\.\\d+\\) loads on Node ${process.versions.node}$`, "m"));
      expect(busy.stdout).toMatch(/^ok\s+agent claude \(driver claude\)\s+@anthropic-ai\/claude-code/m);
      expect(busy.stdout).toMatch(/^ok\s+agent gemini \(ACP profile gemini\)\s+@google\/gemini-cli \d+\.\d+\.\d+ \(bundled\)$/m);
      // Its native binary, not opencode-ai's placeholder bin.
      expect(busy.stdout).toMatch(/^ok\s+agent opencode \(ACP profile opencode\)\s+opencode-ai \d+\.\d+\.\d+ \(bundled\): .*opencode-linux-x64\/bin\/opencode$/m);
      expect(busy.stdout).toMatch(/^warn\s+model key anthropic\s+none/m);
      expect(busy.stdout).toMatch(/^warn\s+hooks\s+no control-room hooks/m);

      const server = await startTestServer({ home });
      const project = realpathSync(mkdtempSync(path.join(os.tmpdir(), "rozet-doctor-project-")));
      try {
        expect((await rozet(["hooks", "install", project, "--url", server.url])).code).toBe(0);
        const fine = await rozet(["doctor", "--port", String(server.port), "--home", home, "--project", project], { ANTHROPIC_API_KEY: "sk-secret-value-123" });
        expect(fine.code, fine.stdout).toBe(0);
        expect(fine.stdout).toMatch(/^warn\s+port\s+.* in use by a running control room/m);
        expect(fine.stdout).toMatch(/^ok\s+model key anthropic\s+ANTHROPIC_API_KEY$/m);
        expect(fine.stdout).not.toContain("sk-secret-value-123");
        expect(fine.stdout).toMatch(/^ok\s+hooks\s+31 hook events in .*settings\.local\.json/m);
      } finally {
        await server.close();
      }
    } finally {
      other.close();
      removeHome(home);
    }
  }, 60_000);

  it("fails when better-sqlite3's addon does not load for this Node, and says how to rebuild it", async () => {
    const home = tempHome();
    try {
      // Not an addon for this Node (as one built for another Node is not): process.dlopen refuses it.
      const addon = path.join(home, "better_sqlite3.node");
      writeFileSync(addon, "built for another Node");
      const check = await checkSqliteDriver(false, addon);
      expect(check).toMatchObject({ level: "fail", name: "sqlite" });
      expect(check.detail).toMatch(/^better-sqlite3 does not load: .*better_sqlite3\.node.*; rebuild it for Node \d+\.\d+\.\d+: npm rebuild better-sqlite3 /);
      expect(await checkSqliteDriver(true, addon)).toMatchObject({ level: "warn" });
    } finally {
      removeHome(home);
    }
  });
});

describe("rozet doctor --database-url", () => {
  it("connects to Postgres and says how many migrations the next start applies; a stopped server is a failure", async () => {
    const postgres = await startTestPostgres({ fsync: false });
    const home = tempHome();
    const doctor = () => rozet(["doctor", "--port", "0", "--home", home, "--project", home, "--database-url", postgres.url]);
    try {
      const fresh = await doctor();
      expect(fresh.stdout).toMatch(/^ok\s+postgres\s+postgres:\/\/rozet@127\.0\.0\.1:\d+\/postgres: PostgreSQL \d+\.\d+.*, \d+ migrations to apply at the next start$/m);
      await migratePostgres(postgres.url);
      const migrated = await doctor();
      expect(migrated.stdout).toMatch(/^ok\s+postgres\s+.*schema up to date$/m);
      expect(migrated.stdout).toMatch(/^ok\s+home\s+.*the database is on Postgres/m);
    } finally {
      await postgres.stop();
    }
    const gone = await doctor();
    expect(gone.code).toBe(1);
    expect(gone.stdout).toMatch(/^fail\s+postgres\s+.*cannot connect/m);
    removeHome(home);
  }, 60_000);
});

describe("rozet backup", () => {
  // The SQLite file's online backup; a Postgres store is backed up with pg_dump (refused below).
  it.skipIf(TEST_STORE === "postgres")("copies a consistent database while ingest runs; the restored home has exactly the events of the backup", async () => {
    const server = await startTestServer();
    const backupDir = mkdtempSync(path.join(os.tmpdir(), "rozet-backup-"));
    const file = path.join(backupDir, "rozet-backup.db");
    let acked = 0;
    let ingesting = true;
    // Writers keep committing batches of 50 over HTTP the whole time the backup runs.
    const writers = Array.from({ length: 2 }, async (_, w) => {
      for (let round = 0; ingesting; round++) {
        const batch = Array.from({ length: 50 }, (_, i) => legacyEvent(i, { session_id: `writer-${w}`, payload: { round, i, text: "x".repeat(200) } }));
        const res = await postJson(`${server.url}/events`, batch);
        expect(res.status).toBe(200);
        acked += 50;
      }
    });
    let restored: Awaited<ReturnType<typeof startTestServer>> | undefined;
    try {
      while (acked < 2_000) await new Promise((resolve) => setImmediate(resolve));
      const ackedBefore = acked;
      const result = await rozet(["backup", file, "--home", server.home]);
      const ackedAfter = acked;
      expect(result.code, result.stderr).toBe(0);
      const backedUp = Number(/backed up (\d+) events/.exec(result.stdout)?.[1]);
      // Everything acknowledged before the backup started is in it; nothing beyond what was committed by its end.
      expect(backedUp).toBeGreaterThanOrEqual(ackedBefore);
      expect(backedUp).toBeLessThanOrEqual(ackedAfter + 100);
      ingesting = false;
      await Promise.all(writers);
      expect(acked).toBeGreaterThan(backedUp);

      // Restore: the file becomes the database of a fresh home; a control room started on it serves those events.
      const home = tempHome();
      mkdirSync(home, { recursive: true });
      copyFileSync(file, path.join(home, "rozet.db"));
      restored = await startTestServer({ home });
      expect(await restored.room.prisma.event.count()).toBe(backedUp);
      const sessions = await restored.room.prisma.session.findMany({ where: { name: "test-app" } });
      expect(sessions).toHaveLength(1);
    } finally {
      ingesting = false;
      await Promise.allSettled(writers);
      await server.close();
      removeHome(server.home);
      if (restored) {
        await restored.close();
        removeHome(restored.home);
      }
      removeHome(backupDir);
    }
  }, 120_000);

  it("refuses without a file name (exit 2) and names a missing database", async () => {
    expect((await rozet(["backup"])).stderr).toMatch(/name the file/);
    const missing = await rozet(["backup", path.join(os.tmpdir(), "never.db"), "--home", path.join(os.tmpdir(), "no-such-rozet-home")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no database at/);
  });

  it("refuses on Postgres and points at pg_dump", async () => {
    const result = await rozet(["backup", path.join(os.tmpdir(), "never.db")], { ROZET_DATABASE_URL: "postgres://rozet@127.0.0.1:1/rozet" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/on Postgres \(ROZET_DATABASE_URL\) use pg_dump/);
  });
});
