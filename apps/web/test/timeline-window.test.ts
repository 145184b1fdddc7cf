import { describe, expect, it } from "vitest";
import { contentHeight, firstRowAt, MAX_SCROLL_PX, rowTop, scrollTopCentring, scrollTopFor } from "../src/lib/virtual-scroll.ts";
import {
  applyLive,
  applyWindow,
  createWindowState,
  MAX_PAGES,
  missingPages,
  positionOfSeq,
  rowAt,
  touchPages,
  WINDOW_PAGE,
} from "../src/state/timeline-window.ts";
import type { TimelineItem } from "../src/state/timeline-reducer.ts";

/** A session whose matching event at position p has seq 10 + 2p (other events in between). */
const row = (position: number, type = "note.added"): TimelineItem => ({ seq: 10 + 2 * position, agentId: "a", type, toolName: null, filePath: null, summary: `row ${position}` });
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => row(from + i));
const MILLION = 1_000_000;

describe("timeline window state", () => {
  it("opens at the newest rows of a million-event session and reaches any other page by position", () => {
    let state = createWindowState({ total: MILLION, lastSeq: 10 + 2 * (MILLION - 1), start: MILLION - 200, events: rows(MILLION - 200, 200) });
    expect(rowAt(state, MILLION - 1)!.seq).toBe(row(MILLION - 1).seq);
    expect(rowAt(state, 500_000)).toBeUndefined();
    const page = Math.floor(500_000 / WINDOW_PAGE);
    expect(missingPages(state, 499_990, 500_010)).toEqual([page - 1, page]);
    state = applyWindow(state, { total: MILLION, lastSeq: 0, start: page * WINDOW_PAGE, events: rows(page * WINDOW_PAGE, WINDOW_PAGE) });
    expect(rowAt(state, 500_000)).toEqual(row(500_000));
    expect(positionOfSeq(state, row(500_000).seq)).toBe(500_000);
    expect(state.total).toBe(MILLION);
  });

  it("places a centred window that spans two pages, and fetches only what is still missing", () => {
    let state = createWindowState({ total: 10_000, lastSeq: 99_999, start: 9_800, events: rows(9_800, 200) });
    state = applyWindow(state, { total: 10_000, lastSeq: 99_999, start: 4_900, events: rows(4_900, 201) });
    expect(rowAt(state, 5_000)).toEqual(row(5_000));
    expect(missingPages(state, 4_950, 5_050)).toEqual([]);
    expect(missingPages(state, 4_700, 5_150)).toEqual([23, 24, 25]);
  });

  it("keeps at most MAX_PAGES pages, dropping the least recently used, never the ones just placed or in view", () => {
    let state = createWindowState({ total: MILLION, lastSeq: 0, start: 0, events: rows(0, 200) });
    for (let page = 1; page <= MAX_PAGES + 10; page++) {
      state = applyWindow(state, { total: MILLION, lastSeq: 0, start: page * WINDOW_PAGE * 7, events: rows(page * WINDOW_PAGE * 7, WINDOW_PAGE) });
      if (page === 5) state = touchPages(state, 0, 10); // page 0 is in view again
      expect(state.pages.size).toBeLessThanOrEqual(MAX_PAGES);
    }
    expect(state.pages.size).toBe(MAX_PAGES);
    expect(state.pages.has((MAX_PAGES + 10) * 7)).toBe(true);
    expect(state.pages.has(7)).toBe(false);
  });

  it("counts live events on from the window (once each, filtered) and grows the tail only where it is held", () => {
    const lastSeq = row(999).seq;
    let state = createWindowState({ total: 1_000, lastSeq, start: 800, events: rows(800, 200) }, { types: ["note.added"] });
    const live = [row(1_000), row(1_001, "tool.started"), { ...row(1_001), seq: row(1_001).seq + 1 }];
    state = applyLive(state, live);
    expect(state.total).toBe(1_002);
    expect(rowAt(state, 1_000)).toEqual(row(1_000));
    expect(rowAt(state, 1_001)!.seq).toBe(row(1_001).seq + 1);
    // Already counted (a replayed event after a reconnect): no change.
    expect(applyLive(state, live)).toBe(state);
    // Scrolled far away and the tail page dropped: the count still moves, no row is held for it.
    let far = createWindowState({ total: 1_000, lastSeq, start: 0, events: rows(0, 200) });
    far = applyLive(far, [row(1_000)]);
    expect(far.total).toBe(1_001);
    expect(rowAt(far, 1_000)).toBeUndefined();
    expect(missingPages(far, 990, 1_001)).toEqual([4, 5]);
  });
});

describe("scroll geometry over a million rows", () => {
  const g = { total: MILLION, rowHeight: 30, viewportHeight: 600 };

  it("is the real height up to the cap: a pixel per pixel, rows where they belong", () => {
    const small = { total: 1_000, rowHeight: 30, viewportHeight: 600 };
    expect(contentHeight(small)).toBe(30_000);
    expect(firstRowAt(3_000, small)).toBeCloseTo(100);
    expect(scrollTopFor(100, small)).toBeCloseTo(3_000);
    expect(rowTop(150, 3_000, small)).toBeCloseTo(4_500);
  });

  it("scales beyond the cap so the whole travel spans every row, both ways", () => {
    expect(contentHeight(g)).toBe(MAX_SCROLL_PX);
    const bottom = MAX_SCROLL_PX - 600;
    expect(firstRowAt(0, g)).toBe(0);
    expect(firstRowAt(bottom, g)).toBeCloseTo(MILLION - 20);
    expect(firstRowAt(scrollTopFor(500_000, g), g)).toBeCloseTo(500_000);
    // Centring #500,000: it sits mid-view.
    const top = scrollTopCentring(500_000, g);
    expect(rowTop(500_000, top, g) - top).toBeCloseTo(300 - 15);
  });
});
