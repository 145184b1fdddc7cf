/**
 * A control room for browser tests: the model stub (every Claude agent talks to it, never to the network), a real
 * Rozet server on its own temporary ROZET_HOME serving the built web app, and a typed client. The server can be
 * stopped and started again on the same port and home (a real restart: open pages reconnect to it).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startModelStub, type ModelStub, type ScenarioInput } from "@rozet/model-stub";
import { createRozetClient, type RozetClient } from "@rozet/api/client";
import { startServer, DEFAULT_WEB_DIST, type RunningServer } from "@rozet/server";

/** What the stub answers when a test gives no scenario: one line, so an agent's turn still completes. */
export const quietScenario: ScenarioInput = { name: "e2e-quiet", steps: [], fallback: { content: [{ text: "The stub has nothing scripted for this." }] } };

export function stubEnv(stubUrl: string): Record<string, string> {
  return { ANTHROPIC_BASE_URL: stubUrl, ANTHROPIC_API_KEY: "stub-key", IS_SANDBOX: "1", DISABLE_TELEMETRY: "1", CLAUDE_CODE_MAX_RETRIES: "1" };
}

export interface ControlRoomOptions {
  /** What the model stub answers (steps taken in order by matching requests). */
  scenario?: ScenarioInput;
  /** Unanswered permission requests are denied after this long. */
  permissionTimeoutMs?: number;
  /** ROZET_TOKEN: an admin token; the page and the room's client then need it (the client is given it). */
  token?: string;
  /** ROZET_CONTROL_ROOM_ENABLED=false: observe-only. */
  observeOnly?: boolean;
}

export interface ControlRoom {
  stub: ModelStub;
  /** The running server (replaced by `startServerAgain`). */
  server: RunningServer;
  home: string;
  url: string;
  api: RozetClient["api"];
  stopServer(): Promise<void>;
  /** Starts the stopped server again (same port, same home). */
  startServerAgain(): Promise<void>;
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startControlRoom(options: ControlRoomOptions = {}): Promise<ControlRoom> {
  if (!existsSync(path.join(DEFAULT_WEB_DIST, "index.html"))) throw new Error(`the web app is not built (${DEFAULT_WEB_DIST}); run npm run build -w @rozet/web`);
  const stub = await startModelStub({ scenario: options.scenario ?? quietScenario });
  const home = mkdtempSync(path.join(os.tmpdir(), "rozet-e2e-"));
  const config = {
    home,
    port: 0,
    quiet: true,
    permissionTimeoutMs: options.permissionTimeoutMs ?? 120_000,
    agentEnv: stubEnv(stub.url),
    token: options.token ?? null,
    controlEnabled: !options.observeOnly,
  };
  let server = await startServer(config);
  const port = server.port;
  const client = createRozetClient({ url: server.url, token: options.token });
  const room: ControlRoom = {
    stub,
    server,
    home,
    url: server.url,
    api: client.api,
    async stopServer() {
      await server.close();
    },
    async startServerAgain() {
      server = await startServer({ ...config, port });
      room.server = server;
    },
    async restartServer() {
      await room.stopServer();
      await room.startServerAgain();
    },
    async close() {
      // Each part is closed even when another fails (the server may already be down, stopped by the test).
      await client.close().catch(() => undefined);
      await server.close().catch(() => undefined);
      await stub.close().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
  return room;
}

/** Polls `check` until it returns something truthy (every 100 ms), or fails naming what it waited for. */
export async function waitFor<T>(check: () => Promise<T | undefined | false | null>, timeoutMs: number, label: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
