import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRozetClient } from "@rozet/api/client";
import { afterAll, beforeAll } from "vitest";
import { startServer, type RunningServer } from "../src/server.ts";
import type { ServerConfigInput } from "../src/config.ts";
import { testDatabaseUrl } from "./test-store.ts";

export function tempHome(): string {
  return mkdtempSync(path.join(os.tmpdir(), "rozet-test-"));
}

/** A real server on port 0 with its own ROZET_HOME. */
export async function startTestServer(overrides: Partial<ServerConfigInput> = {}): Promise<RunningServer & { home: string }> {
  const home = overrides.home ?? tempHome();
  // A test that names its store (databaseUrl, null for SQLite) keeps it in the Postgres pass too.
  const databaseUrl = "databaseUrl" in overrides ? overrides.databaseUrl : await testDatabaseUrl(home);
  const server = await startServer({ home, port: 0, quiet: true, webDist: null, ...(databaseUrl ? { databaseUrl } : {}), ...overrides });
  return Object.assign(server, { home });
}

export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}

export function clientFor(url: string, token?: string) {
  return createRozetClient({ url, token });
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/**
 * One server and typed client (its WebSocket opens on first use) for a whole test file: started before its tests
 * and handed to `onStarted`, closed with its home removed after them.
 */
export function serverForFile(onStarted: (server: TestServer, client: ReturnType<typeof clientFor>) => void | Promise<void>): void {
  let server: TestServer | undefined;
  let client: ReturnType<typeof clientFor> | undefined;
  beforeAll(async () => {
    server = await startTestServer();
    client = clientFor(server.url);
    await onStarted(server, client);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    if (server) removeHome(server.home);
  });
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export function legacyEvent(i: number, overrides: Record<string, unknown> = {}) {
  return {
    source_app: "test-app",
    session_id: "claude-session-1",
    hook_event_type: "PreToolUse",
    payload: { tool_name: "Bash", tool_input: { command: `echo ${i}` }, hook_event_name: "PreToolUse" },
    timestamp: Date.now(),
    ...overrides,
  };
}

export function waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000, label = "condition"): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = check();
      if (value) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${label}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/**
 * A TCP proxy in front of the server so tests can cut every connection mid-stream (a network drop) and point
 * the same address at a restarted server.
 */
export async function startProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let target = targetPort;
  const server = net.createServer((client) => {
    const upstream = net.connect(target, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    retarget(port: number) {
      target = port;
    },
    cutAll() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs a command to completion, collecting its output (stdin gets `stdin`, or is closed at once). */
export function runProcess(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end(opts.stdin ?? "");
  });
}

/** The `rozet` command, run as a user would (node + bin/rozet.js). */
export const ROZET_BIN = fileURLToPath(new URL("../bin/rozet.js", import.meta.url));
