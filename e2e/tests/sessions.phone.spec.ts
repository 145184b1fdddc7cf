import { expect, test } from "../src/fixtures.ts";

/** The phone project (390×844): sessions as cards, nothing wider than the screen. */
test("sessions are cards on a phone, with no horizontal scroll at 390 px", async ({ page, seed }) => {
  await seed.session("a session with a rather long name that has to wrap on a phone screen");
  await seed.events(5, { sourceApp: "phone-hooks" });
  await page.goto("/");
  const cards = page.locator(".sessions-table tbody tr");
  await expect(cards).toHaveCount(2);
  // Every card's fields are labelled, and the card is as wide as the screen allows.
  await expect(cards.first().locator('td[data-label="Last activity"]')).toBeVisible();
  const box = await cards.first().boundingBox();
  expect(box?.width ?? 0).toBeLessThanOrEqual(390);
  expect(box?.width ?? 0).toBeGreaterThan(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.locator(".sessions-table thead")).not.toBeInViewport();
});
