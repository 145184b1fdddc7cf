import { expect, test, timelineCount, timelineSeqs } from "../src/fixtures.ts";

/**
 * The server restarts under an open page: the socket reconnects, the timeline resumes from the last seq it
 * had, and events committed meanwhile (right after the restart, before the page is back) arrive once each.
 */
test.use({ viewport: { width: 1280, height: 2400 } });

test("reconnect after a server restart resumes the timeline without gaps or duplicates", async ({ page, controlRoom, api, seed }) => {
  const ingest = (count: number) => seed.events(count, { sourceApp: "reconnect-e2e" });
  const { sessionId } = await ingest(20);
  const session = await api.session.get.query({ id: sessionId });
  expect(session.name).toContain("reconnect-e2e");
  await page.goto(`/sessions/${encodeURIComponent(sessionId)}`);
  await expect.poll(() => timelineCount(page)).toBe(20);
  await expect(page.locator(".live-flag")).toHaveText("following live");
  // A hook-reported agent: shown with its activity, without actions (nothing here drives it).
  await expect(page.locator('.agent-card[data-agent="bot"]')).toContainText("external (hooks)");
  await expect(page.locator('.agent-card[data-agent="bot"] .activity')).toContainText("Bash: echo 20");
  await expect(page.locator('.agent-card[data-agent="bot"] .agent-actions')).toHaveCount(0);

  await controlRoom.stopServer();
  await expect(page.locator(".connection")).toContainText(/Reconnecting|Connecting|Offline/, { timeout: 10_000 });
  await controlRoom.startServerAgain();
  // Committed before the page is back: it must catch up from its cursor, not from "now".
  await ingest(15);
  await expect(page.locator(".connection")).toHaveAttribute("data-status", "live", { timeout: 30_000 });
  await ingest(15);

  const expected = (await api.event.timeline.query({ sessionId, limit: 500 })).events.map((e) => e.seq);
  expect(expected).toHaveLength(50);
  await expect.poll(() => timelineCount(page), { timeout: 20_000 }).toBe(50);
  const shown = await timelineSeqs(page);
  expect(new Set(shown).size).toBe(shown.length);
  expect(shown).toEqual([...shown].sort((a, b) => a - b));
  expect(shown).toEqual(expected.slice(-shown.length));
  expect(shown.at(-1)).toBe(expected.at(-1));
  // The header totals follow too (live stats after the restart).
  await expect(page.locator('[data-metric="events"]')).toHaveText("50");
});
