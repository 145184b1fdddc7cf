/**
 * Web benchmark: how the control room's page copes with a big session and a fast live stream.
 *
 *   npm run bench -w @rozet/e2e            (ROZET_BENCH_EVENTS=100000 ROZET_BENCH_RATE=500 ROZET_BENCH_SECONDS=10)
 *
 * 1. Starts a real server (own ROZET_HOME) and seeds N events through POST /api/events in batches of 1,000.
 * 2. Opens the session in headless Chromium (three loads) and reads the page's performance marks:
 *    `rozet:timeline-ready` (first page of the timeline painted) and the navigation timing.
 * 3. Streams events at R per second for S seconds while the page follows live, and measures the frames
 *    (gaps between animation frames), how bursts were coalesced (flushes, largest flush) and the JS heap.
 * 4. Times the Cost view (whole history read for the charts) and the Replay view (whole history loaded).
 * Prints a table and one JSON line (for docs).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer } from "@rozet/server";
import { launchBrowser } from "../e2e/src/browser.ts";

const TOTAL = Number(process.env.ROZET_BENCH_EVENTS ?? 100_000);
const RATE = Number(process.env.ROZET_BENCH_RATE ?? 500);
const SECONDS = Number(process.env.ROZET_BENCH_SECONDS ?? 10);
const BATCH = 1_000;
const APP = "web-bench";

let counter = 0;
function makeEvents(count: number, agents = 4) {
  return Array.from({ length: count }, () => {
    const i = ++counter;
    const agent = `agent-${i % agents}`;
    const kind = i % 10;
    const base = { schema_version: 2, event_id: `bench-${i}`, source_app: APP, session_id: "bench-run", agent_id: agent, agent_name: agent };
    if (kind === 0) return { ...base, type: "usage.reported", summary: "1200 in · 300 out", cost_usd: 0.0012, input_tokens: 1200, output_tokens: 300, payload: {} };
    if (kind % 2 === 1) return { ...base, type: "tool.started", tool_name: "Bash", summary: `Bash: npm test -- --shard ${i}`, payload: { input: { command: `npm test -- --shard ${i}` } } };
    return { ...base, type: "tool.finished", tool_name: "Bash", status: i % 7 === 0 ? "error" : "ok", summary: `Bash: npm test -- --shard ${i - 1}`, payload: { output: "ok\n".repeat(4) } };
  });
}

async function post(url: string, events: unknown[]) {
  const res = await fetch(`${url}/api/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events }) });
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
};

const home = mkdtempSync(path.join(os.tmpdir(), "rozet-web-bench-"));
const server = await startServer({ home, port: 0, quiet: true });
const browser = await launchBrowser();
try {
  // 1. Seed.
  const seedStarted = performance.now();
  for (let sent = 0; sent < TOTAL; sent += BATCH) await post(server.url, makeEvents(Math.min(BATCH, TOTAL - sent)));
  const seedMs = performance.now() - seedStarted;
  const session = (await server.room.prisma.session.findFirst({ where: { name: { contains: APP } } })) ?? (await server.room.prisma.session.findFirstOrThrow());
  const sessionUrl = `${server.url}/sessions/${encodeURIComponent(session.id)}`;

  // 2. First render, three loads (the first one cold).
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // tsx compiles this file keeping function names (`__name(fn, "loop")`); give evaluated code that helper.
  await context.addInitScript({ content: "globalThis.__name = (fn) => fn;" });
  const page = await context.newPage();
  const loads: { timelineReadyMs: number; domContentLoadedMs: number; loadMs: number; rows: number }[] = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(sessionUrl);
    await page.waitForFunction(() => performance.getEntriesByName("rozet:timeline-ready").length > 0, undefined, { timeout: 30_000 });
    loads.push(
      await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const ready = performance.getEntriesByName("rozet:timeline-ready")[0]!;
        return { timelineReadyMs: ready.startTime, domContentLoadedMs: nav.domContentLoadedEventEnd, loadMs: nav.loadEventEnd, rows: document.querySelectorAll(".tl-row").length };
      }),
    );
  }
  const countText = await page.locator(".timeline-bar .muted.small").first().textContent();

  // 3. Live stream at RATE/s while following.
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __rozetPerf: { flushes: number; flushedEvents: number; maxFlush: number } };
    w.__rozetPerf.flushes = 0;
    w.__rozetPerf.flushedEvents = 0;
    w.__rozetPerf.maxFlush = 0;
    w.__frames = [];
    let last = performance.now();
    const loop = (now: number) => {
      w.__frames.push(now - last);
      last = now;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  const heapBefore = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null);
  const tick = 100;
  const perTick = Math.max(1, Math.round((RATE * tick) / 1000));
  const liveStarted = performance.now();
  let liveSent = 0;
  while (performance.now() - liveStarted < SECONDS * 1000) {
    const started = performance.now();
    await post(server.url, makeEvents(perTick));
    liveSent += perTick;
    const wait = tick - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const liveMs = performance.now() - liveStarted;
  await page.waitForFunction((n) => (window as unknown as { __rozetPerf: { flushedEvents: number } }).__rozetPerf.flushedEvents >= n, liveSent, { timeout: 30_000 });
  const live = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __rozetPerf: { flushes: number; flushedEvents: number; maxFlush: number } };
    return { frames: w.__frames.slice(1), ...w.__rozetPerf, rows: document.querySelectorAll(".tl-row").length, held: document.querySelector(".timeline-bar .muted.small")?.textContent ?? "" };
  });
  const heapAfter = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null);
  const lastSeqShown = await page.locator(".tl-row").last().getAttribute("data-seq");
  const serverLast = server.room.events.lastSeq();

  // 4. Cost (history for the charts) and replay (history loaded) over the whole session.
  const costStarted = performance.now();
  await page.goto(`${sessionUrl}?view=cost`);
  await page.locator(".cost-view [role=status]", { hasText: "charted" }).waitFor({ timeout: 300_000 });
  const costMs = performance.now() - costStarted;
  const replayStarted = performance.now();
  await page.goto(`${sessionUrl}?view=replay`);
  await page.waitForFunction(() => {
    const status = document.querySelector(".replay-status");
    return status && !status.textContent?.includes("loading") && Number(status.getAttribute("data-total")) > 0;
  }, undefined, { timeout: 300_000 });
  const replayMs = performance.now() - replayStarted;
  const replayTotal = Number(await page.locator(".replay-status").getAttribute("data-total"));
  await context.close();

  const frames = live.frames;
  const result = {
    events: TOTAL,
    seedMs: Math.round(seedMs),
    seedEventsPerSecond: Math.round(TOTAL / (seedMs / 1000)),
    firstRender: { timelineReadyMs: loads.map((l) => Math.round(l.timelineReadyMs)), medianMs: Math.round(median(loads.map((l) => l.timelineReadyMs))), domContentLoadedMs: Math.round(median(loads.map((l) => l.domContentLoadedMs))), rowsInDom: loads[0]!.rows, label: countText?.trim() },
    live: {
      ratePerSecond: RATE,
      seconds: Math.round(liveMs / 100) / 10,
      sent: liveSent,
      delivered: live.flushedEvents,
      flushes: live.flushes,
      eventsPerFlushAvg: Math.round((live.flushedEvents / Math.max(1, live.flushes)) * 10) / 10,
      maxFlush: live.maxFlush,
      frames: frames.length,
      frameMsP50: Math.round(percentile(frames, 50) * 10) / 10,
      frameMsP95: Math.round(percentile(frames, 95) * 10) / 10,
      frameMsMax: Math.round(Math.max(...frames)),
      framesOver50ms: frames.filter((f) => f > 50).length,
      rowsInDom: live.rows,
      held: live.held.trim(),
      newestShownIsNewest: Number(lastSeqShown) === serverLast,
      heapMB: heapBefore === null || heapAfter === null ? null : { before: Math.round(heapBefore / 1e5) / 10, after: Math.round(heapAfter / 1e5) / 10 },
    },
    costViewHistoryMs: Math.round(costMs),
    replayLoadMs: Math.round(replayMs),
    replayEvents: replayTotal,
  };
  console.log(`
Rozet web benchmark (${TOTAL.toLocaleString()} events, Chromium headless, ${os.cpus().length} cores)
  seed via POST /api/events       ${result.seedMs} ms (${result.seedEventsPerSecond.toLocaleString()} events/s)
  first render (timeline ready)   median ${result.firstRender.medianMs} ms [${result.firstRender.timelineReadyMs.join(", ")}]; DOMContentLoaded ${result.firstRender.domContentLoadedMs} ms; ${result.firstRender.rowsInDom} rows in the DOM
  live ${RATE}/s for ${result.live.seconds} s        ${result.live.delivered}/${result.live.sent} delivered in ${result.live.flushes} flushes (avg ${result.live.eventsPerFlushAvg}, max ${result.live.maxFlush} per flush)
  frames                          p50 ${result.live.frameMsP50} ms, p95 ${result.live.frameMsP95} ms, max ${result.live.frameMsMax} ms, ${result.live.framesOver50ms} over 50 ms of ${result.live.frames}
  memory                          ${result.live.rowsInDom} rows in the DOM, ${result.live.held}; JS heap ${result.live.heapMB ? `${result.live.heapMB.before} → ${result.live.heapMB.after} MB` : "n/a"}
  cost view (history for charts)  ${result.costViewHistoryMs} ms
  replay (history loaded)         ${result.replayLoadMs} ms for ${result.replayEvents.toLocaleString()} events
`);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
  rmSync(home, { recursive: true, force: true });
}
