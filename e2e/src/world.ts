/**
 * One test world: the model stub, a real Rozet server (its own ROZET_HOME, agents pointed at the stub) serving
 * the built web app, and headless Chromium driven by playwright-core. The server can be restarted on the same
 * port and home (a real restart: the browser reconnects to it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startModelStub, type ModelStub, type ScenarioInput } from "@rozet/model-stub";
import { createRozetClient } from "@rozet/api/client";
import { startServer, DEFAULT_WEB_DIST, type RunningServer } from "@rozet/server";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.ROZET_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
/**
 * Where `screenshot()` writes: e2e/screenshots/ (committed, referenced by the README) with
 * ROZET_E2E_SCREENSHOTS=update (`npm run screenshots -w @rozet/e2e`), else a temporary folder so a plain test
 * run leaves the work tree alone.
 */
export const SCREENSHOTS =
  process.env.ROZET_E2E_SCREENSHOTS === "update" ? fileURLToPath(new URL("../screenshots/", import.meta.url)) : path.join(os.tmpdir(), "rozet-e2e-screenshots");

export function stubEnv(stubUrl: string): Record<string, string> {
  return { ANTHROPIC_BASE_URL: stubUrl, ANTHROPIC_API_KEY: "stub-key", IS_SANDBOX: "1", DISABLE_TELEMETRY: "1", CLAUDE_CODE_MAX_RETRIES: "1" };
}

export interface World {
  stub: ModelStub | null;
  server: RunningServer;
  home: string;
  url: string;
  api: ReturnType<typeof createRozetClient>["api"];
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Stops the server and starts it again on the same port and home. */
  restartServer(): Promise<void>;
  stopServer(): Promise<void>;
  /** Starts the stopped server again (same port, same home). */
  startServerAgain(): Promise<void>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export async function startWorld(options: { scenario?: ScenarioInput; viewport?: { width: number; height: number }; permissionTimeoutMs?: number } = {}): Promise<World> {
  if (!existsSync(path.join(DEFAULT_WEB_DIST, "index.html"))) throw new Error(`the web app is not built (${DEFAULT_WEB_DIST}); run npm run build -w @rozet/web`);
  const stub = options.scenario ? await startModelStub({ scenario: options.scenario }) : null;
  const home = mkdtempSync(path.join(os.tmpdir(), "rozet-e2e-"));
  const config = {
    home,
    port: 0,
    quiet: true,
    permissionTimeoutMs: options.permissionTimeoutMs ?? 120_000,
    agentEnv: stub ? stubEnv(stub.url) : {},
  };
  let server = await startServer(config);
  const port = server.port;
  const client = createRozetClient({ url: server.url });
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 }, acceptDownloads: true, reducedMotion: "reduce" });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const world: World = {
    stub,
    server,
    home,
    url: server.url,
    api: client.api,
    browser,
    context,
    page,
    async stopServer() {
      await server.close();
    },
    async startServerAgain() {
      server = await startServer({ ...config, port });
      world.server = server;
    },
    async restartServer() {
      await world.stopServer();
      await world.startServerAgain();
    },
    async close() {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await client.close().catch(() => undefined);
      await server.close().catch(() => undefined);
      await stub?.close().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
  return world;
}

/** A PNG of the page (or one element) under e2e/screenshots/. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean; selector?: string } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  // Toasts come and go; they would only hide what the picture is of.
  await page.evaluate(() => document.querySelector<HTMLElement>(".toasts")?.style.setProperty("visibility", "hidden"));
  if (options.selector) await page.locator(options.selector).first().screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
  await page.evaluate(() => document.querySelector<HTMLElement>(".toasts")?.style.removeProperty("visibility"));
  return file;
}

export async function waitFor<T>(check: () => Promise<T | undefined | false | null>, timeoutMs: number, label: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** On failure: a screenshot under $TMPDIR/rozet-e2e-failures (not the committed screenshots). */
export async function failureScreenshot(page: Page | undefined, name: string): Promise<void> {
  if (!page || page.isClosed()) return;
  const dir = path.join(os.tmpdir(), "rozet-e2e-failures");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 80)}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  console.error(`failure screenshot: ${file}`);
}
