/**
 * Scroll geometry of a list of `total` fixed-height rows that may be far taller than a browser lets an element
 * be (Chromium stops near 33.5 M px, Firefox near 17.9 M): up to `MAX_SCROLL_PX` the list is its real height and
 * a pixel is a pixel; beyond it the scrollbar is scaled, so its whole travel still spans every row.
 */
export const MAX_SCROLL_PX = 8_000_000;

export interface ScrollGeometry {
  total: number;
  rowHeight: number;
  viewportHeight: number;
}

/** The scrollable height that stands for all rows. */
export function contentHeight(g: ScrollGeometry): number {
  return Math.min(g.total * g.rowHeight, MAX_SCROLL_PX);
}

function travel(g: ScrollGeometry): { scroll: number; rows: number } {
  return {
    scroll: Math.max(0, contentHeight(g) - g.viewportHeight),
    rows: Math.max(0, g.total - g.viewportHeight / g.rowHeight),
  };
}

/** The (fractional) row at the top of the view for a scrollTop: scrollTop / rowHeight while unscaled. */
export function firstRowAt(scrollTop: number, g: ScrollGeometry): number {
  const t = travel(g);
  if (t.scroll <= 0 || t.rows <= 0) return 0;
  return (Math.min(Math.max(scrollTop, 0), t.scroll) / t.scroll) * t.rows;
}

/** The scrollTop that puts `row` (fractional) at the top of the view: the inverse of firstRowAt. */
export function scrollTopFor(row: number, g: ScrollGeometry): number {
  const t = travel(g);
  if (t.scroll <= 0 || t.rows <= 0) return 0;
  return (Math.min(Math.max(row, 0), t.rows) / t.rows) * t.scroll;
}

/** The scrollTop that puts `row` in the middle of the view. */
export function scrollTopCentring(row: number, g: ScrollGeometry): number {
  return scrollTopFor(row + 0.5 - g.viewportHeight / g.rowHeight / 2, g);
}

/** Where a row is drawn inside the scrolled content (it moves with the view only when the list is scaled). */
export function rowTop(position: number, scrollTop: number, g: ScrollGeometry): number {
  return scrollTop + (position - firstRowAt(scrollTop, g)) * g.rowHeight;
}
