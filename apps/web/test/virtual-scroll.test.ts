import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contentHeight, firstRowAt, MAX_SCROLL_PX, rowTop, scrollTopCentring, scrollTopFor, type ScrollGeometry } from "../src/lib/virtual-scroll.ts";

/** Any list from a handful of rows to well past the cap (8 M px / 30 px ≈ 267k rows), in any viewport. */
const geometries = fc.record({
  total: fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 200_000, max: 3_000_000 })),
  rowHeight: fc.integer({ min: 20, max: 40 }),
  viewportHeight: fc.integer({ min: 100, max: 2_000 }),
});

const maxScrollTop = (g: ScrollGeometry) => Math.max(0, contentHeight(g) - g.viewportHeight);
const rowsInView = (g: ScrollGeometry) => g.viewportHeight / g.rowHeight;
/** Rounding allowance: a millionth of a row or pixel per million rows. */
const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, scale);

describe("scroll geometry: properties over any size", () => {
  it("position → scrollTop → position and scrollTop → position → scrollTop round-trip", () => {
    fc.assert(
      fc.property(geometries, fc.double({ min: 0, max: 1, noNaN: true }), (g, fraction) => {
        const lastTop = Math.max(0, g.total - rowsInView(g));
        const row = fraction * lastTop;
        expect(close(firstRowAt(scrollTopFor(row, g), g), row, g.total)).toBe(true);
        const top = fraction * maxScrollTop(g);
        expect(close(scrollTopFor(firstRowAt(top, g), g), top, contentHeight(g))).toBe(true);
      }),
    );
  });

  it("the first row is at scrollTop 0 and the last row at the bottom of the scroll range, drawn inside the list", () => {
    fc.assert(
      fc.property(geometries, (g) => {
        expect(firstRowAt(0, g)).toBe(0);
        expect(scrollTopFor(0, g)).toBe(0);
        expect(rowTop(0, 0, g)).toBe(0);
        const bottom = maxScrollTop(g);
        if (g.total * g.rowHeight <= g.viewportHeight) return; // everything fits: nothing to scroll
        // At the bottom the last row's lower edge is the viewport's lower edge, and still inside the list.
        const lastBottom = rowTop(g.total - 1, bottom, g) + g.rowHeight;
        expect(close(lastBottom, bottom + g.viewportHeight, contentHeight(g))).toBe(true);
        expect(lastBottom).toBeLessThanOrEqual(contentHeight(g) + 1e-6 * contentHeight(g));
        // Past either end is clamped, never beyond the rows.
        expect(firstRowAt(-500, g)).toBe(0);
        expect(close(firstRowAt(bottom + 10_000, g), g.total - rowsInView(g), g.total)).toBe(true);
      }),
    );
  });

  it("any row can be centred: its scrollTop is in range and the row is drawn inside the view", () => {
    fc.assert(
      fc.property(geometries, fc.double({ min: 0, max: 1, noNaN: true }), (g, fraction) => {
        const position = Math.min(g.total - 1, Math.floor(fraction * g.total));
        const top = scrollTopCentring(position, g);
        expect(top).toBeGreaterThanOrEqual(0);
        expect(top).toBeLessThanOrEqual(maxScrollTop(g));
        const drawn = rowTop(position, top, g) - top;
        const slack = 1e-6 * contentHeight(g);
        expect(drawn).toBeGreaterThanOrEqual(-slack);
        expect(drawn + g.rowHeight).toBeLessThanOrEqual(Math.max(g.viewportHeight, g.total * g.rowHeight) + slack);
      }),
    );
  });

  it("rows keep their order and spacing on screen, scaled or not", () => {
    fc.assert(
      fc.property(geometries, fc.double({ min: 0, max: 1, noNaN: true }), (g, fraction) => {
        const top = fraction * maxScrollTop(g);
        const first = Math.floor(firstRowAt(top, g));
        if (first + 1 >= g.total) return;
        expect(close(rowTop(first + 1, top, g) - rowTop(first, top, g), g.rowHeight, contentHeight(g))).toBe(true);
      }),
    );
  });

  it("the list is its real height below the cap and the cap above it", () => {
    fc.assert(
      fc.property(geometries, (g) => {
        expect(contentHeight(g)).toBe(Math.min(g.total * g.rowHeight, MAX_SCROLL_PX));
      }),
    );
  });
});
