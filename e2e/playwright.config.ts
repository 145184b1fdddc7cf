/**
 * The browser suite (`npm test -w @rozet/e2e`, part of `npm test`): real servers, real Claude Code through the
 * model stub, Debian's Chromium. Reports and the traces of failed tests go to reports/e2e/ at the repository root.
 */
import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "./src/browser.ts";

const REPORTS = "../reports/e2e";

export default defineConfig({
  testDir: "tests",
  testMatch: "**/*.spec.ts",
  // Each file starts its own servers and Claude Code processes: one at a time on a 2-core machine.
  workers: 1,
  fullyParallel: false,
  // One retry tells a flake from a break (the report lists it as "flaky", with the first attempt's trace), and
  // failOnFlakyTests still fails the run: a retry never turns a flaky test green.
  retries: 1,
  failOnFlakyTests: true,
  forbidOnly: Boolean(process.env.CI),
  // Generous: agents start real Claude Code processes, and the machine is shared.
  timeout: 240_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { outputFolder: `${REPORTS}/html`, open: "never" }]],
  outputDir: `${REPORTS}/artifacts`,
  use: {
    launchOptions: chromiumLaunchOptions,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    reducedMotion: "reduce",
    acceptDownloads: true,
  },
  projects: [
    { name: "desktop", testIgnore: "**/*.phone.spec.ts", use: { viewport: { width: 1440, height: 900 } } },
    {
      name: "phone",
      testMatch: "**/*.phone.spec.ts",
      use: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
    },
  ],
});
