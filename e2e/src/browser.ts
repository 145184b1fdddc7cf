/** Debian's Chromium (Playwright's own browser download cannot work offline), for the suite and the benchmarks. */
import { chromium, type Browser, type LaunchOptions } from "@playwright/test";

export const CHROMIUM = process.env.ROZET_CHROMIUM ?? "/usr/bin/chromium";

export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};

/** A browser outside the test runner (bench/web.ts). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions);
}
