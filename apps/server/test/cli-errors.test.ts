import { mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeHome, ROZET_BIN, runProcess, tempHome } from "./harness.ts";

const home = tempHome();
let blocker: net.Server;
let busyPort: number;

beforeAll(async () => {
  blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  busyPort = (blocker.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  removeHome(home);
});

function rozet(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, ROZET_HOME: home };
  delete env.ROZET_DEV;
  return runProcess(process.execPath, [ROZET_BIN, ...args], { env });
}

/** A user mistake: exit non-zero, one clear line on stderr, no stack trace. */
function expectOneClearLine(result: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.code).not.toBeNull();
  const lines = result.stderr.trim().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at |node:internal|\.ts:\d+/);
}

describe("rozet CLI mistakes", () => {
  it("a port in use", async () => {
    const result = await rozet(["start", "--port", String(busyPort), "--home", home]);
    expectOneClearLine(result, new RegExp(`port ${busyPort}.*in use`));
  }, 60_000);

  it("an unknown flag", async () => {
    expectOneClearLine(await rozet(["start", "--prot", "4800"]), /--prot/);
    expectOneClearLine(await rozet(["hooks", "install", ".", "--bogus"]), /--bogus/);
  }, 60_000);

  it("hooks install into a directory that does not exist", async () => {
    expectOneClearLine(await rozet(["hooks", "install", "/no/such/dir"]), /\/no\/such\/dir/);
  }, 60_000);

  it("--home pointing to a file", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "rozet-file-")), "not-a-dir");
    writeFileSync(file, "x");
    expectOneClearLine(await rozet(["start", "--port", "0", "--home", file]), new RegExp(`${file}.*not a directory|not a directory.*${file}`));
  }, 60_000);

  it("a bad --mode and a bad port number", async () => {
    expectOneClearLine(await rozet(["hooks", "install", home, "--mode", "ftp"]), /--mode/);
    expectOneClearLine(await rozet(["start", "--port", "http", "--home", home]), /port/);
  }, 60_000);

  it("a --database-url that is not Postgres, and a Postgres that does not answer (the password never printed)", async () => {
    expectOneClearLine(await rozet(["start", "--port", "0", "--home", home, "--database-url", "mysql://x@db/rozet"]), /ROZET_DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await rozet(["start", "--port", "0", "--home", home, "--database-url", `postgres://rozet:hunter2@127.0.0.1:${closedPort}/rozet`]);
    expectOneClearLine(refused, /cannot connect to Postgres at postgres:\/\/rozet:\*\*\*@127\.0\.0\.1:\d+\/rozet: /);
    expect(refused.stderr).not.toContain("hunter2");
  }, 60_000);
});
