/**
 * The timeline's rows by position over a whole filtered session (position 0 = the oldest match), held as pages
 * of `WINDOW_PAGE` rows, at most `MAX_PAGES` of them: the scrollbar stands for `total` rows, only the pages
 * near the view are in memory. Pure: no Solid, no I/O (the store in timeline-window-store.ts does those).
 *
 * Positions never change (events only append and the filter is fixed for the state's life), so a row fetched
 * once stays right, and a live event's position is simply the count so far.
 */
import { matchesFilter, type TimelineFilter, type TimelineItem } from "./timeline-reducer.ts";

export const WINDOW_PAGE = 200;
/** 40 pages of 200: 8,000 rows at most, whatever the session's size. */
export const MAX_PAGES = 40;

export interface WindowState<E extends TimelineItem> {
  /** Matching events up to `lastSeq`. */
  readonly total: number;
  /** The newest seq counted (live events at or below it are already in `total`). */
  readonly lastSeq: number;
  /** Page index → its rows (holes where not fetched); iteration order = least recently used first. */
  readonly pages: ReadonlyMap<number, readonly (E | undefined)[]>;
  readonly filter: TimelineFilter;
}

/** What `event.window` answers (the fields this state reads). */
export interface WindowAnswer<E extends TimelineItem> {
  total: number;
  lastSeq: number;
  start: number;
  events: readonly E[];
}

export function createWindowState<E extends TimelineItem>(answer: WindowAnswer<E>, filter: TimelineFilter = {}): WindowState<E> {
  return placeRows({ total: answer.total, lastSeq: answer.lastSeq, pages: new Map(), filter }, answer.start, answer.events);
}

export function rowAt<E extends TimelineItem>(state: WindowState<E>, position: number): E | undefined {
  return state.pages.get(Math.floor(position / WINDOW_PAGE))?.[position % WINDOW_PAGE];
}

/** The position of a loaded row with this seq, or -1 (not loaded, or not in this filter). */
export function positionOfSeq<E extends TimelineItem>(state: WindowState<E>, seq: number): number {
  for (const [page, rows] of state.pages) {
    const i = rows.findIndex((row) => row?.seq === seq);
    if (i >= 0) return page * WINDOW_PAGE + i;
  }
  return -1;
}

/** A fetched window in: its rows land at their positions. `total` stays ours (the live stream counts on from it). */
export function applyWindow<E extends TimelineItem>(state: WindowState<E>, answer: WindowAnswer<E>): WindowState<E> {
  return placeRows(state, answer.start, answer.events);
}

/**
 * Live events in: those the filter takes and not counted yet get the next positions. A row is kept when its page
 * is held or the row before it is (the tail the operator is looking at grows; elsewhere only the count moves).
 */
export function applyLive<E extends TimelineItem>(state: WindowState<E>, incoming: readonly E[]): WindowState<E> {
  const fresh = incoming.filter((event) => event.seq > state.lastSeq && matchesFilter(event, state.filter));
  if (fresh.length === 0) return state;
  const pages = new Map(state.pages);
  let total = state.total;
  for (const event of fresh) {
    const page = Math.floor(total / WINDOW_PAGE);
    const held = pages.get(page);
    if (held || (total > 0 && rowAt({ ...state, pages }, total - 1) !== undefined)) {
      const rows = held ? held.slice() : new Array<E | undefined>(WINDOW_PAGE);
      rows[total % WINDOW_PAGE] = event;
      pages.delete(page);
      pages.set(page, rows);
    }
    total++;
  }
  return trimPages({ ...state, total, lastSeq: fresh.at(-1)!.seq, pages }, new Set([Math.floor((total - 1) / WINDOW_PAGE)]));
}

/** Pages with a row missing in [from, to) (clamped to the total): what to fetch for the view. */
export function missingPages<E extends TimelineItem>(state: WindowState<E>, from: number, to: number): number[] {
  const end = Math.min(to, state.total);
  const missing: number[] = [];
  for (let page = Math.floor(Math.max(0, from) / WINDOW_PAGE); page * WINDOW_PAGE < end; page++) {
    const rows = state.pages.get(page);
    const last = Math.min(end, (page + 1) * WINDOW_PAGE);
    for (let p = Math.max(from, page * WINDOW_PAGE); p < last; p++) {
      if (!rows?.[p % WINDOW_PAGE]) {
        missing.push(page);
        break;
      }
    }
  }
  return missing;
}

/** Marks the pages in view as recently used (so eviction takes others first). Same state when already newest. */
export function touchPages<E extends TimelineItem>(state: WindowState<E>, from: number, to: number): WindowState<E> {
  const wanted = pagesBetween(from, to).filter((page) => state.pages.has(page));
  const keys = [...state.pages.keys()];
  if (wanted.every((page, i) => keys[keys.length - wanted.length + i] === page)) return state;
  const pages = new Map(state.pages);
  for (const page of wanted) {
    const rows = pages.get(page)!;
    pages.delete(page);
    pages.set(page, rows);
  }
  return { ...state, pages };
}

function pagesBetween(from: number, to: number): number[] {
  const pages: number[] = [];
  for (let page = Math.floor(Math.max(0, from) / WINDOW_PAGE); page * WINDOW_PAGE < to; page++) pages.push(page);
  return pages;
}

function placeRows<E extends TimelineItem>(state: WindowState<E>, start: number, events: readonly E[]): WindowState<E> {
  if (events.length === 0) return state;
  const pages = new Map(state.pages);
  const touched = new Set<number>();
  for (const [i, event] of events.entries()) {
    const position = start + i;
    const page = Math.floor(position / WINDOW_PAGE);
    if (!touched.has(page)) {
      const held = pages.get(page);
      pages.delete(page);
      pages.set(page, held ? held.slice() : new Array<E | undefined>(WINDOW_PAGE));
      touched.add(page);
    }
    (pages.get(page) as (E | undefined)[])[position % WINDOW_PAGE] = event;
  }
  return trimPages({ ...state, pages }, touched);
}

/** Drops the least recently used pages beyond MAX_PAGES, never one of `keep`. */
function trimPages<E extends TimelineItem>(state: WindowState<E>, keep: ReadonlySet<number>): WindowState<E> {
  if (state.pages.size <= MAX_PAGES) return state;
  const pages = new Map(state.pages);
  for (const page of state.pages.keys()) {
    if (pages.size <= MAX_PAGES) break;
    if (!keep.has(page)) pages.delete(page);
  }
  return { ...state, pages };
}
