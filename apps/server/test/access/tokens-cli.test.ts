import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@rozet/db";
import { removeHome, ROZET_BIN, runProcess, startTestServer, tempHome, type TestServer } from "../harness.ts";
import { storeEnv, storeLocation } from "../test-store.ts";
import { callOverHttp } from "./access-helpers.ts";

const home = tempHome();
let server: TestServer;

async function rozet(...args: string[]) {
  return runProcess(process.execPath, [ROZET_BIN, "token", ...args, "--home", home], { env: { ...process.env, ...(await storeEnv(home)) } });
}

beforeAll(async () => {
  server = await startTestServer({ home });
});
afterAll(async () => {
  await server.close();
  removeHome(home);
});

const info = { path: "system.info", type: "query" as const };
const createSession = { path: "session.create", type: "mutation" as const };

describe("rozet token (a real child process on the running server's home)", () => {
  it("create prints the secret once; the running server then asks for a token and honours the role; revoke ends it", async () => {
    // No token yet: the loopback control room is open.
    expect((await callOverHttp(server.url, info, null, undefined)).status).toBe(200);

    const created = await rozet("create", "--name", "ci", "--role", "viewer");
    expect(created.code).toBe(0);
    const secret = /^(rzt_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1];
    expect(secret, created.stdout).toBeDefined();

    // From the next request on, a token is required, and this one is a viewer.
    expect((await callOverHttp(server.url, info, null, undefined)).status).toBe(401);
    expect((await callOverHttp(server.url, info, secret!, undefined)).status).toBe(200);
    expect(await callOverHttp(server.url, createSession, secret!, { name: "x" })).toMatchObject({ status: 403, code: "FORBIDDEN" });

    const listed = await rozet("list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ci\s+viewer\s+\S+\s+active/m);
    expect(listed.stdout).not.toContain(secret!);

    // Only the hash is stored: the secret is nowhere in the database.
    const database = await openDatabase(await storeLocation(home));
    try {
      const rows = await database.prisma.apiToken.findMany();
      expect(rows.map((r) => r.name)).toEqual(["ci"]);
      expect(JSON.stringify(rows)).not.toContain(secret!.slice(4));
      expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await database.close();
    }

    const duplicate = await rozet("create", "--name", "ci", "--role", "admin");
    expect(duplicate).toMatchObject({ code: 1 });
    expect(duplicate.stderr).toContain("a token named ci exists");

    // Revoking the last token would open the loopback control room again; another one keeps it closed.
    expect((await rozet("create", "--name", "keeper", "--role", "admin")).code).toBe(0);
    const revoked = await rozet("revoke", "ci");
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain("revoked token ci (viewer)");
    expect(await callOverHttp(server.url, info, secret!, undefined)).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect((await rozet("list")).stdout).toMatch(/^ci\s+viewer\s+\S+\s+revoked/m);
  });

  it("usage mistakes are one line and exit 2, touching nothing", async () => {
    const noRole = await rozet("create", "--name", "x");
    expect(noRole.code).toBe(2);
    expect(noRole.stderr.trim()).toBe("rozet: token create needs --role viewer|operator|admin");
    const badRole = await rozet("create", "--name", "x", "--role", "root");
    expect(badRole.stderr).toContain("not root");
    expect((await rozet("revoke", "nope")).stderr).toContain("active token nope not found");
  });
});
