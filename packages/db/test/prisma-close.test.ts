import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { newId } from "@rozet/vocabulary";
import { openDatabase } from "../src/index.ts";

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

describe("Prisma's implicit transactions on the one SQLite connection", () => {
  it("closing the database while many run at once loses none, fails none and hangs none (was: 'Unknown transaction status.', 'database connection is not open', or callers never settled)", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "rozet-prisma-close-"));
    homes.push(home);
    const file = path.join(home, "rozet.db");
    const db = await openDatabase(file);
    const ids = Array.from({ length: 300 }, () => newId());
    await db.prisma.session.createMany({ data: ids.map((id) => ({ id, name: "before" })) });

    // updateMany (like a command status change guarded by its current status) is a Prisma-internal transaction:
    // on this adapter they queue for the connection's one transaction lock.
    const writes = ids.map((id) => db.prisma.session.updateMany({ where: { id, name: "before" }, data: { name: "after" } }).then(
      (result) => ({ id, ok: result.count === 1, error: undefined as string | undefined }),
      (error: Error) => ({ id, ok: false, error: error.message }),
    ));
    // The server shuts down while they are queued (agents still reporting as they stop).
    const closing = db.close();
    const results = await Promise.all(writes);
    await closing;

    const errors = results.filter((r) => r.error).map((r) => r.error!);
    expect(errors.filter((e) => /Unknown transaction status|Transaction/i.test(e))).toEqual([]);
    expect(errors).toEqual([]);
    // What was reported written is on disk.
    const again = await openDatabase(file);
    try {
      const stored = await again.prisma.session.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
      const after = new Set(stored.filter((s) => s.name === "after").map((s) => s.id));
      expect(results.filter((r) => r.ok && !after.has(r.id))).toEqual([]);
      expect(after.size).toBe(ids.length);
    } finally {
      await again.close();
    }
  });
});
