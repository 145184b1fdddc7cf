import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeHome, startTestServer } from "./harness.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
  removeHome(server.home);
});

describe("examples/quickstart.ts", () => {
  it("runs as documented with npx tsx against a running control room", async () => {
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn("npx", ["tsx", "examples/quickstart.ts"], { cwd: ROOT, env: { ...process.env, ROZET_URL: server.url } });
      let out = "";
      child.stdout.on("data", (c) => (out += c));
      child.stderr.on("data", (c) => (out += c));
      child.on("close", (code) => resolve({ code, out }));
    });
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('task "read" completed: hello from rozet');
    expect(result.out).toMatch(/#\d+ tool\.finished/);
  });
});
