import { expect, hookEvents, postEvents, test, type SeedEventsOptions } from "@rozet/e2e/fixtures";
import type { Page } from "@playwright/test";

// Four times the newest 5,000 the timeline used to hold: every one of them must be reachable.
const EVENTS = 20_000;
/** Their own times: two hours of history sent in one go (every row used to read the same receive time). */
const HISTORY_START = Date.UTC(2026, 11, 5, 8, 0, 0);

async function seedHistory(url: string, options: SeedEventsOptions, first: number, count: number): Promise<{ sessionId: string; seqs: number[] }> {
  const seqs: number[] = [];
  let sessionId = "";
  for (let from = first; from < first + count; from += 1_000) {
    const batch = hookEvents(Math.min(1_000, first + count - from), options, from).map((event, i) => ({ ...event, timestamp: HISTORY_START + (from + i) * 360 }));
    const results = await postEvents(url, batch);
    sessionId = results[0]!.sessionId;
    seqs.push(...results.map((r) => r.seq));
  }
  return { sessionId, seqs };
}

/** The row's middle is within two rows of the viewport's middle, with rows on both sides of it on screen. */
async function expectCentred(page: Page, seq: number) {
  const row = page.locator(`.tl-row[data-seq="${seq}"]`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute("aria-current", "true");
  await expect
    .poll(async () => {
      const [r, v] = await Promise.all([row.boundingBox(), page.locator(".tl-viewport").boundingBox()]);
      return r && v ? Math.abs(r.y + r.height / 2 - (v.y + v.height / 2)) : Infinity;
    })
    .toBeLessThanOrEqual(60);
  await expect(page.locator(".tl-row").filter({ hasText: /Bash: echo \d+/ })).not.toHaveCount(1);
}

test("the whole history: counts agree, go to #N and to a time, deep links centred, N new events", async ({ page, controlRoom, seed }) => {
  test.setTimeout(120_000);
  const session = await seed.session("long-history");
  const options = { sourceApp: session.id };
  const { seqs } = await seedHistory(controlRoom.url, options, 1, EVENTS);

  // Every `event.subscribe` the page opens (tRPC over the WebSocket).
  const subscribed: string[] = [];
  page.on("websocket", (ws) =>
    ws.on("framesent", ({ payload }) => {
      for (const match of String(payload).matchAll(/"path":"event\.subscribe"/g)) subscribed.push(match[0]);
    }),
  );
  await page.goto(`/sessions/${session.id}`);
  await expect(page.locator(".tl-row").last()).toContainText(`Bash: echo ${EVENTS}`);
  // The timeline and the roster's activity read one subscription of the session (each used to open its own).
  await expect(page.locator(".live-flag")).toHaveText("following live");
  expect(subscribed).toHaveLength(1);
  // The timeline counts the whole session, as the header does.
  await expect(page.locator(".timeline-bar [data-total]")).toHaveAttribute("data-total", String(EVENTS));
  await expect(page.locator('[data-metric="events"]')).toHaveText("20K");
  await expect(page.locator(".live-flag")).toHaveText("following live");
  // Rows show the event's own time (08:00 + 0.36 s a row, local), not the receive time.
  const newest = page.locator(".tl-row").last().locator(".tl-time");
  await expect(newest).toHaveAttribute("datetime", new Date(HISTORY_START + EVENTS * 360).toISOString());
  await expect(newest).toHaveClass(/received-later/);

  // Following live, the scrollbar dragged to the very top shows the first event and stays there (the first page
  // is already held from the page's first render, and touching it used to snap the view back to the newest).
  await page.locator(".tl-viewport").evaluate((el) => (el.scrollTop = 0));
  await expect(page.locator(`.tl-row[data-seq="${seqs[0]}"]`)).toContainText("Bash: echo 1");
  await expect(page.locator(".live-flag")).toHaveText("live, scrolled up");
  expect(await page.locator(".tl-viewport").evaluate((el) => el.scrollTop)).toBe(0);

  // Go to #N: an event from the first quarter, far outside what used to be kept.
  const target = seqs[3_999]!;
  await page.getByLabel("Go to event number or time").fill(`#${target}`);
  await page.getByRole("button", { name: "Go", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${target}`));
  await expectCentred(page, target);
  await expect(page.locator(`.tl-row[data-seq="${target}"]`)).toContainText("Bash: echo 4000");
  await expect(page.locator(`.tl-row[data-seq="${seqs[3_998]}"]`)).toBeVisible();
  await expect(page.locator(".live-flag")).toHaveText("live, scrolled up");

  // Go to a time: the first event that happened at or after it... by receive time, all at the end of the batch it
  // arrived in; the receive time of event 10,000 picks the batch holding it.
  const received = await controlRoom.api.event.get.query({ seq: seqs[9_999]! });
  await page.getByLabel("Go to event number or time").fill(new Date(received.receivedAt).toISOString());
  await page.getByRole("button", { name: "Go", exact: true }).click();
  // The URL still names the previous target until the jump lands: wait for it to change.
  const eventInUrl = () => Number(/\/events\/(\d+)/.exec(page.url())?.[1] ?? 0);
  await expect.poll(() => eventInUrl() > 0 && eventInUrl() !== target).toBe(true);
  const landed = eventInUrl();
  expect(landed).toBeLessThanOrEqual(seqs[9_999]!);
  expect(landed).toBeGreaterThan(seqs[7_999]!);
  await expectCentred(page, landed);

  // A deep link opens the inspector and centres the row among its neighbours.
  const linked = seqs[12_344]!;
  await page.goto(`/sessions/${session.id}/events/${linked}`);
  await expect(page.locator(".inspector")).toContainText(`#${linked}`);
  await expectCentred(page, linked);
  await expect(page.locator(`.tl-row[data-seq="${seqs[12_343]}"]`)).toBeVisible();
  await expect(page.locator(`.tl-row[data-seq="${seqs[12_345]}"]`)).toBeVisible();

  // The scrollbar spans the whole session: at its top is the very first event.
  await page.locator(".tl-viewport").evaluate((el) => (el.scrollTop = 0));
  await expect(page.locator(`.tl-row[data-seq="${seqs[0]}"]`)).toContainText("Bash: echo 1");

  // Scrolled up, new events are counted, not followed; the button follows again.
  await seedHistory(controlRoom.url, options, EVENTS + 1, 7);
  await expect(page.getByRole("button", { name: "7 new events ↓" })).toBeVisible();
  await expect(page.locator(".live-flag")).not.toHaveText("following live");
  await expect(page.locator(".timeline-bar [data-total]")).toHaveAttribute("data-total", String(EVENTS + 7));
  await page.getByRole("button", { name: "7 new events ↓" }).click();
  await expect(page.locator(".tl-row").last()).toContainText(`Bash: echo ${EVENTS + 7}`);
  await expect(page.locator(".live-flag")).toHaveText("following live");

  // Escape leaves the search box (keeping what was typed) for the timeline's rows.
  await page.keyboard.press("/");
  const search = page.locator("#filter-text");
  await expect(search).toBeFocused();
  await search.fill("echo 2000");
  await expect(page).toHaveURL(/[?&]q=echo/);
  await expect(page.locator(".tl-row").first()).toContainText("echo 2000");
  await page.keyboard.press("Escape");
  await expect(search).not.toBeFocused();
  await expect(search).toHaveValue("echo 2000");
  await expect(page.locator(".tl-row a:focus")).toHaveCount(1);
});
