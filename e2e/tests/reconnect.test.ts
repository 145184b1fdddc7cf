import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timelineCount, timelineSeqs } from "../src/ui.ts";
import { failureScreenshot, startWorld, waitFor, type World } from "../src/world.ts";

/**
 * The server restarts under an open page: the socket reconnects, the timeline resumes from the last seq it
 * had, and events committed meanwhile (right after the restart, before the page is back) arrive once each.
 */
let world: World;
let n = 0;

function events(count: number) {
  return Array.from({ length: count }, () => {
    n++;
    return { schema_version: 2, event_id: `reconnect-${n}`, source_app: "reconnect-e2e", session_id: "run-1", agent_id: "bot", agent_name: "bot", type: "tool.started", tool_name: "Bash", summary: `Bash: echo ${n}`, payload: { input: { command: `echo ${n}` } } };
  });
}

async function ingest(count: number) {
  const res = await fetch(`${world.url}/api/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events: events(count) }) });
  expect(res.status).toBe(200);
}

async function serverSeqs(sessionId: string): Promise<number[]> {
  return (await world.api.event.timeline.query({ sessionId, limit: 500 })).events.map((e) => e.seq);
}

beforeAll(async () => {
  world = await startWorld({ viewport: { width: 1280, height: 2400 } });
});
afterAll(async () => {
  await world?.close();
});

describe("reconnect after a server restart", () => {
  it("resumes the timeline without gaps or duplicates", async () => {
    const { page } = world;
    try {
      await ingest(20);
      const session = await waitFor(async () => (await world.api.session.list.query({ limit: 50 })).find((s) => s.name.includes("reconnect-e2e")), 10_000, "the ingested session");
      await page.goto(`${world.url}/sessions/${encodeURIComponent(session.id)}`);
      await expect.poll(() => timelineCount(page)).toBe(20);
      await expect(page.locator(".live-flag")).toHaveText("following live");
      // A hook-reported agent: shown with its activity, without actions (nothing here drives it).
      await expect(page.locator('.agent-card[data-agent="bot"]')).toContainText("external (hooks)");
      await expect(page.locator('.agent-card[data-agent="bot"] .activity')).toContainText("Bash: echo 20");
      await expect(page.locator('.agent-card[data-agent="bot"] .agent-actions')).toHaveCount(0);

      await world.stopServer();
      await expect(page.locator(".connection")).toContainText(/Reconnecting|Connecting|Offline/, { timeout: 10_000 });
      await world.startServerAgain();
      // Committed before the page is back: it must catch up from its cursor, not from "now".
      await ingest(15);
      await expect(page.locator(".connection")).toHaveAttribute("data-status", "live", { timeout: 30_000 });
      await ingest(15);

      const expected = await serverSeqs(session.id);
      expect(expected).toHaveLength(50);
      await expect.poll(() => timelineCount(page), { timeout: 20_000 }).toBe(50);
      const shown = await timelineSeqs(page);
      expect(new Set(shown).size).toBe(shown.length);
      expect(shown).toEqual([...shown].sort((a, b) => a - b));
      expect(shown).toEqual(expected.slice(-shown.length));
      expect(shown.at(-1)).toBe(expected.at(-1));
      // The header totals follow too (live stats after the restart).
      await expect(page.locator('[data-metric="events"]')).toHaveText("50");
    } catch (error) {
      await failureScreenshot(page, "reconnect");
      throw error;
    }
  });
});
