/** README screenshots, taken by the suite at the moments the journeys reach the screens they show. */
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";

/**
 * Where `screenshot()` writes: e2e/screenshots/ (committed, referenced by the README) with
 * ROZET_E2E_SCREENSHOTS=update (`npm run screenshots -w @rozet/e2e`), else a temporary folder so a plain test
 * run leaves the work tree alone.
 */
export const SCREENSHOTS =
  process.env.ROZET_E2E_SCREENSHOTS === "update" ? fileURLToPath(new URL("../screenshots/", import.meta.url)) : path.join(os.tmpdir(), "rozet-e2e-screenshots");

/** A PNG of the page (or one element) under SCREENSHOTS. */
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
