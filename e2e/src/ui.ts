/** Small page helpers shared by the tests. */
import type { Locator, Page } from "@playwright/test";

/** Types of the timeline rows currently rendered (the list is windowed: the newest ones when following live). */
export async function timelineTypes(page: Page): Promise<string[]> {
  return page.locator(".tl-row .tl-type").allTextContents();
}

export async function timelineSeqs(page: Page): Promise<number[]> {
  return page.locator(".tl-row").evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.seq)));
}

/** The "N events" count above the timeline. */
export async function timelineCount(page: Page): Promise<number> {
  const text = (await page.locator(".timeline-bar .muted.small").first().textContent()) ?? "";
  return Number(text.replace(/[^\d]/g, ""));
}

/** The newest rendered timeline row of this event type (and with this text), for `expect(…).toBeVisible()`. */
export function timelineRow(page: Page, type: string, summary?: string | RegExp): Locator {
  const row = page.locator(".tl-row", { has: page.locator(".tl-type", { hasText: type }) });
  return (summary ? row.filter({ hasText: summary }) : row).last();
}

/** Waits for `timelineRow(page, type, summary)` and returns it. */
export async function waitForRow(page: Page, type: string, options: { timeout?: number; summary?: string | RegExp } = {}): Promise<Locator> {
  const row = timelineRow(page, type, options.summary);
  await row.waitFor({ timeout: options.timeout ?? 30_000 });
  return row;
}

/** Records browser notifications (permission granted beforehand) into window.__notifications. */
export async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: { title: string; body: string }[] = [];
    (window as unknown as { __notifications: typeof seen }).__notifications = seen;
    const Original = window.Notification;
    class Recording extends Original {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        seen.push({ title, body: options?.body ?? "" });
      }
    }
    Object.defineProperty(Recording, "permission", { get: () => Original.permission });
    window.Notification = Recording;
  });
}

export async function notifications(page: Page): Promise<{ title: string; body: string }[]> {
  return page.evaluate(() => (window as unknown as { __notifications?: { title: string; body: string }[] }).__notifications ?? []);
}
