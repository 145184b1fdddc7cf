import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runProcess, serverForFile, type TestServer } from "./harness.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

let server: TestServer;
serverForFile((started) => void (server = started));

describe("examples/quickstart.ts", () => {
  it("runs as documented with npx tsx against a running control room", async () => {
    const result = await runProcess("npx", ["tsx", "examples/quickstart.ts"], { cwd: ROOT, env: { ...process.env, ROZET_URL: server.url } });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('task "read" completed: hello from rozet');
    expect(result.stdout).toMatch(/#\d+ tool\.finished/);
  });
});
