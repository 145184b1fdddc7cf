/**
 * Web benchmark: how the control room's page copes with a big session and a fast live stream.
 *
 *   npm run bench -w @rozet/e2e            (ROZET_BENCH_EVENTS=100000 ROZET_BENCH_RATE=500 ROZET_BENCH_SECONDS=10)
 *
 * 1. Starts a real server (own ROZET_HOME) and seeds N events through POST /api/events in batches of 1,000.
 * 2. Opens the session in headless Chromium (three loads) and reads the page's performance marks:
 *    `rozet:timeline-ready` (first page of the timeline painted) and the navigation timing.
 * 3. Streams events at R per second for S seconds while the page follows live, and measures the frames
 *    (gaps between animation frames: p50/p95/p99), how bursts were coalesced (flushes, largest flush) and the JS
 *    heap; then again with the inspector open on the newest row (still following). Target: p99 ≤ 33 ms in both.
 * 4. Times the Cost view (whole history read for the charts) and the Replay view (whole history loaded).
 * 5. Reach: a second session of M events (ROZET_BENCH_REACH_EVENTS, default 1,000,000): time to the first rows,
 *    "Go to" #(the middle event) and a time until the row is on screen, and the JS heap (after a GC) before and
 *    after those jumps and a scroll to the very first event.
 * Prints a table and one JSON line (for docs).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer } from "@rozet/server";
import type { CDPSession, Page } from "@playwright/test";
import { launchBrowser } from "../e2e/src/browser.ts";
import { loadAverage, readFrames, startFrameSampling } from "./lib/frames.ts";

const TOTAL = Number(process.env.ROZET_BENCH_EVENTS ?? 100_000);
const RATE = Number(process.env.ROZET_BENCH_RATE ?? 500);
const SECONDS = Number(process.env.ROZET_BENCH_SECONDS ?? 10);
const REACH = Number(process.env.ROZET_BENCH_REACH_EVENTS ?? 1_000_000);
const BATCH = 1_000;
const APP = "web-bench";
const REACH_APP = "web-bench-reach";

let counter = 0;
function makeEvents(count: number, agents = 4, app = APP) {
  return Array.from({ length: count }, () => {
    const i = ++counter;
    const agent = `agent-${i % agents}`;
    const kind = i % 10;
    const base = { schema_version: 2, event_id: `bench-${i}`, source_app: app, session_id: "bench-run", agent_id: agent, agent_name: agent };
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


type Live = Awaited<ReturnType<typeof streamLive>>;

function frameLine(live: Live): string {
  const busy = live.mainThreadMsPerSecond;
  return `p50 ${live.frameMsP50} ms, p95 ${live.frameMsP95} ms, p99 ${live.frameMsP99} ms, max ${live.frameMsMax} ms, ${live.framesOver50ms} over 50 ms of ${live.frames}, ${live.longTasks} long tasks (longest ${live.longestTaskMs} ms); ${live.delivered}/${live.sent} delivered in ${live.flushes} flushes (max ${live.maxFlush}); main thread ${busy.tasks} ms/s (script ${busy.script}, style+layout ${busy.styleLayout}); load average ${live.loadAverage.before} → ${live.loadAverage.after}`;
}

/** Streams RATE events a second for SECONDS and returns the page's frame gaps and flush counters meanwhile. */
async function streamLive(page: Page, url: string) {
  await page.evaluate(() => {
    const w = window as unknown as { __rozetPerf: { flushes: number; flushedEvents: number; maxFlush: number } };
    w.__rozetPerf.flushes = 0;
    w.__rozetPerf.flushedEvents = 0;
    w.__rozetPerf.maxFlush = 0;
  });
  await startFrameSampling(page);
  const loadBefore = loadAverage();
  const heapBefore = await heap(page);
  // Main-thread time spent meanwhile (Chrome's own counters): what the page costs, apart from waiting for the CPU.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const busyBefore = await mainThread(cdp);
  const tick = 100;
  const perTick = Math.max(1, Math.round((RATE * tick) / 1000));
  const liveStarted = performance.now();
  let sent = 0;
  while (performance.now() - liveStarted < SECONDS * 1000) {
    const started = performance.now();
    await post(url, makeEvents(perTick));
    sent += perTick;
    const wait = tick - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const liveMs = performance.now() - liveStarted;
  await page.waitForFunction((n) => (window as unknown as { __rozetPerf: { flushedEvents: number } }).__rozetPerf.flushedEvents >= n, sent, { timeout: 30_000 });
  const frames = await readFrames(page);
  const live = await page.evaluate(() => {
    const w = window as unknown as { __rozetPerf: { flushes: number; flushedEvents: number; maxFlush: number } };
    return { ...w.__rozetPerf, rows: document.querySelectorAll(".tl-row").length, held: document.querySelector(".timeline-bar .muted.small")?.textContent ?? "" };
  });
  const heapAfter = await heap(page);
  const busyAfter = await mainThread(cdp);
  await cdp.detach();
  return {
    ratePerSecond: RATE,
    seconds: Math.round(liveMs / 100) / 10,
    sent,
    delivered: live.flushedEvents,
    flushes: live.flushes,
    eventsPerFlushAvg: Math.round((live.flushedEvents / Math.max(1, live.flushes)) * 10) / 10,
    maxFlush: live.maxFlush,
    frames: frames.frames,
    frameMsP50: frames.p50,
    frameMsP95: frames.p95,
    frameMsP99: frames.p99,
    frameMsMax: frames.max,
    framesOver50ms: frames.over50ms,
    longTasks: frames.longTasks,
    longestTaskMs: frames.longestTaskMs,
    /** The machine's load average (1 / 5 / 15 min) before and after: the frames share the CPU with it. */
    loadAverage: { before: loadBefore, after: loadAverage() },
    rowsInDom: live.rows,
    held: live.held.trim(),
    heapMB: heapBefore === null || heapAfter === null ? null : { before: Math.round(heapBefore / 1e5) / 10, after: Math.round(heapAfter / 1e5) / 10 },
    /** Milliseconds of main-thread work per second of streaming: scripts, style + layout, all tasks. */
    mainThreadMsPerSecond: {
      script: Math.round(((busyAfter.script - busyBefore.script) * 1000) / (liveMs / 1000)),
      styleLayout: Math.round(((busyAfter.styleLayout - busyBefore.styleLayout) * 1000) / (liveMs / 1000)),
      tasks: Math.round(((busyAfter.tasks - busyBefore.tasks) * 1000) / (liveMs / 1000)),
    },
  };
}

/** Chrome's cumulative main-thread counters (seconds). */
async function mainThread(cdp: CDPSession) {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { script: get("ScriptDuration"), styleLayout: get("RecalcStyleDuration") + get("LayoutDuration"), tasks: get("TaskDuration") };
}

async function heap(page: Page): Promise<number | null> {
  return page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null);
}

/** The JS heap after a full garbage collection (Chrome DevTools Protocol), in MB. */
async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  await cdp.detach();
  return Math.round(usedSize / 1e5) / 10;
}

/** A session of REACH events: first rows, Go to the middle event and to a time, back to the first event, heap. */
async function measureReach(running: Awaited<ReturnType<typeof startServer>>) {
  const seedStarted = performance.now();
  // Straight into the store (the ingest path is measured by bench:ingest): a million POSTs would be minutes here.
  for (let sent = 0; sent < REACH; sent += BATCH) {
    await running.room.events.appendBatch(
      makeEvents(Math.min(BATCH, REACH - sent), 4, REACH_APP).map((e) => ({ e, tool: "tool_name" in e ? e.tool_name : undefined, status: "status" in e ? e.status : undefined })).map(({ e: { event_id, source_app, agent_id, type, summary, payload }, tool, status }) => ({
        eventId: event_id,
        session: { ref: source_app },
        agent: { ref: agent_id },
        source: "bench",
        type,
        schemaVersion: 2,
        summary,
        toolName: tool,
        status,
        payloadJson: JSON.stringify(payload),
      })),
    );
    if (sent % 50_000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const seedMs = performance.now() - seedStarted;
  const session = await running.room.prisma.session.findFirstOrThrow({ where: { name: { contains: REACH_APP } } });
  const probe = async (position: number) => (await running.room.events.window({ sessionId: session.id, position, limit: 1 })).events[0]!;
  const [first, middle, threeQuarters] = await Promise.all([probe(0), probe(Math.floor(REACH / 2)), probe(Math.floor((REACH * 3) / 4))]);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript({ content: "globalThis.__name = (fn) => fn;" });
  const page = await context.newPage();
  const started = performance.now();
  await page.goto(`${running.url}/sessions/${encodeURIComponent(session.id)}`);
  await page.locator(".tl-row").first().waitFor({ timeout: 120_000 });
  const firstRowsMs = performance.now() - started;
  const label = (await page.locator(".timeline-bar .muted.small").first().textContent())?.trim() ?? "";
  const heapBefore = await heapAfterGc(page);

  const goTo = async (text: string, seq: (url: string) => number) => {
    const at = performance.now();
    await page.getByLabel("Go to event number or time").fill(text);
    await page.getByRole("button", { name: "Go", exact: true }).click();
    await page.waitForURL(/\/events\/\d+/, { timeout: 60_000 });
    await page.locator(`.tl-row[data-seq="${seq(page.url())}"]`).waitFor({ timeout: 60_000 });
    return Math.round(performance.now() - at);
  };
  const goToSeqMs = await goTo(`#${middle.seq}`, () => middle.seq);
  await page.goto(`${running.url}/sessions/${encodeURIComponent(session.id)}`);
  await page.locator(".tl-row").first().waitFor();
  const goToTimeMs = await goTo(new Date(threeQuarters.receivedAt).toISOString(), (url) => Number(/\/events\/(\d+)/.exec(url)![1]));
  const topAt = performance.now();
  await page.locator(".tl-viewport").evaluate((el) => (el.scrollTop = 0));
  await page.locator(`.tl-row[data-seq="${first.seq}"]`).waitFor({ timeout: 60_000 });
  const toTopMs = Math.round(performance.now() - topAt);
  const heapAfter = await heapAfterGc(page);
  const rowsInDom = await page.locator(".tl-row").count();
  await context.close();
  return { events: REACH, seedMs: Math.round(seedMs), firstRowsMs: Math.round(firstRowsMs), label, middleSeq: middle.seq, goToSeqMs, goToTimeMs, toTopMs, heapMB: { before: heapBefore, after: heapAfter }, rowsInDom };
}

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

  // 3. Live stream at RATE/s while following, then again with the inspector open on the newest row.
  const following = await streamLive(page, server.url);
  const lastSeqShown = await page.locator(".tl-row").last().getAttribute("data-seq");
  const serverLast = await server.room.events.lastSeq();
  await page.locator(".tl-row").last().locator("a").click();
  await page.locator(".inspector").waitFor();
  const withInspector = await streamLive(page, server.url);
  const inspectorStillFollowing = Number(await page.locator(".tl-row").last().getAttribute("data-seq")) === (await server.room.events.lastSeq());

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

  const result = {
    events: TOTAL,
    seedMs: Math.round(seedMs),
    seedEventsPerSecond: Math.round(TOTAL / (seedMs / 1000)),
    firstRender: { timelineReadyMs: loads.map((l) => Math.round(l.timelineReadyMs)), medianMs: Math.round(median(loads.map((l) => l.timelineReadyMs))), domContentLoadedMs: Math.round(median(loads.map((l) => l.domContentLoadedMs))), rowsInDom: loads[0]!.rows, label: countText?.trim() },
    live: { ...following, newestShownIsNewest: Number(lastSeqShown) === serverLast },
    liveWithInspector: { ...withInspector, newestShownIsNewest: inspectorStillFollowing },
    costViewHistoryMs: Math.round(costMs),
    replayLoadMs: Math.round(replayMs),
    replayEvents: replayTotal,
    reach: await measureReach(server),
  };
  console.log(`
Rozet web benchmark (${TOTAL.toLocaleString()} events, Chromium headless, ${os.cpus().length} cores)
  seed via POST /api/events       ${result.seedMs} ms (${result.seedEventsPerSecond.toLocaleString()} events/s)
  first render (timeline ready)   median ${result.firstRender.medianMs} ms [${result.firstRender.timelineReadyMs.join(", ")}]; DOMContentLoaded ${result.firstRender.domContentLoadedMs} ms; ${result.firstRender.rowsInDom} rows in the DOM
  live ${RATE}/s asked, ${Math.round(result.live.sent / result.live.seconds)}/s sent for ${result.live.seconds} s: ${result.live.delivered}/${result.live.sent} delivered in ${result.live.flushes} flushes (avg ${result.live.eventsPerFlushAvg}, max ${result.live.maxFlush} per flush)
  frames following live           ${frameLine(result.live)}
  frames, inspector open          ${frameLine(result.liveWithInspector)} (still following: ${result.liveWithInspector.newestShownIsNewest})
  memory                          ${result.live.rowsInDom} rows in the DOM, ${result.live.held}; JS heap ${result.live.heapMB ? `${result.live.heapMB.before} → ${result.live.heapMB.after} MB` : "n/a"}
  cost view (history for charts)  ${result.costViewHistoryMs} ms
  replay (history loaded)         ${result.replayLoadMs} ms for ${result.replayEvents.toLocaleString()} events
Reach over ${result.reach.events.toLocaleString()} events (seeded in ${result.reach.seedMs} ms)
  first rows                      ${result.reach.firstRowsMs} ms ("${result.reach.label}")
  go to #${result.reach.middleSeq}              ${result.reach.goToSeqMs} ms to the row on screen
  go to a time                    ${result.reach.goToTimeMs} ms to the row on screen
  scroll to the first event       ${result.reach.toTopMs} ms
  JS heap after GC                ${result.reach.heapMB.before} MB at the newest rows → ${result.reach.heapMB.after} MB after the jumps; ${result.reach.rowsInDom} rows in the DOM
`);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
  rmSync(home, { recursive: true, force: true });
}
