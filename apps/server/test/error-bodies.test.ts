import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { clientFor, removeHome, ROZET_BIN, tempHome, waitFor } from "./harness.ts";
import { execOnStore, storeEnv } from "./test-store.ts";

/** The real `rozet start`, as a user runs it (no ROZET_DEV), its log collected. */
async function startCli(home: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, ROZET_HOME: home, ...(await storeEnv(home)) };
  delete env.ROZET_DEV;
  delete env.NODE_ENV;
  const child = spawn(process.execPath, [ROZET_BIN, "start", "--port", "0", "--home", home], { env });
  const output = { text: "" };
  child.stdout.on("data", (c) => (output.text += c));
  child.stderr.on("data", (c) => (output.text += c));
  return { child, output };
}

let running: { child: ChildProcess; output: { text: string } } | undefined;
const home = tempHome();
afterAll(async () => {
  if (running?.child.exitCode === null) {
    running.child.kill("SIGTERM");
    await new Promise((resolve) => running!.child.once("exit", resolve));
  }
  removeHome(home);
});

describe("error bodies in production", () => {
  it("an unexpected failure is a generic internal error with a correlation id that the log carries with the real error; no stack, no paths", async () => {
    running = await startCli(home);
    const url = await waitFor(() => /is up: (http:\/\/\S+)/.exec(running!.output.text)?.[1], 60_000, "server up");
    const client = clientFor(url);
    try {
      const session = await client.api.session.create.mutate({ name: "broken" });
      // Break the database under the running server: the next rules query fails inside Prisma (not a domain error).
      await execOnStore(home, `DROP TABLE "PermissionRule"`);

      const res = await fetch(`${url}/trpc/permission.rules?input=${encodeURIComponent(JSON.stringify({ sessionId: session.id }))}`);
      const text = await res.text();
      expect(res.status).toBe(500);
      const body = JSON.parse(text);
      expect(body.error.message).toMatch(/^internal error \(correlation id [\w-]+\)/);
      expect(body.error.data.stack).toBeUndefined();
      expect(text).not.toMatch(/\/work\/|node_modules|prisma|\.ts:\d/i);
      const correlationId = body.error.data.correlationId as string;
      expect(correlationId).toBeTruthy();
      const logged = await waitFor(() => running!.output.text.split("\n").find((line) => line.includes(correlationId)), 10_000, "log line");
      expect(logged).toMatch(/PermissionRule/);

      // A domain error keeps its clear message, still without a stack.
      const missing = await fetch(`${url}/trpc/session.get?input=${encodeURIComponent(JSON.stringify({ id: "nope" }))}`);
      const missingBody = (await missing.json()) as { error: { message: string; data: { stack?: string } } };
      expect(missing.status).toBe(404);
      expect(missingBody.error.message).toBe("session nope not found");
      expect(missingBody.error.data.stack).toBeUndefined();
    } finally {
      await client.close();
    }
  }, 120_000);
});
