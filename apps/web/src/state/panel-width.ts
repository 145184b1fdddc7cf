/**
 * The inspector's width as a side panel: bounds that always leave the timeline room, resizing by drag and by
 * keyboard, and the width remembered between visits. Pure functions; the dock component holds the state.
 */

export const INSPECTOR_WIDTH_KEY = "rozet.inspector.width";
export const DEFAULT_INSPECTOR_WIDTH = 440;
export const MIN_INSPECTOR_WIDTH = 300;
/** What the timeline column keeps at least beside the panel (its Tool column included). */
export const MIN_TIMELINE_WIDTH = 560;
/** The roster column and the page's gaps and padding, beside the timeline and the panel. */
export const SIDE_WIDTH = 270 + 2 * 12 + 2 * 12;
const STEP = 16;
const BIG_STEP = 64;

export interface WidthBounds {
  min: number;
  max: number;
}

/** The widths the panel may take in a window this wide (never below the minimum, even in a small window). */
export function inspectorBounds(windowWidth: number): WidthBounds {
  const max = Math.max(MIN_INSPECTOR_WIDTH, Math.floor(windowWidth - SIDE_WIDTH - MIN_TIMELINE_WIDTH));
  return { min: MIN_INSPECTOR_WIDTH, max };
}

export function clampWidth(width: number, bounds: WidthBounds): number {
  return Math.round(Math.min(bounds.max, Math.max(bounds.min, width)));
}

/** A width read back from storage: a positive number of pixels, else nothing (the default applies). */
export function parseStoredWidth(raw: string | null): number | null {
  if (raw === null || !/^\d{2,5}$/.test(raw.trim())) return null;
  const width = Number(raw);
  return width > 0 ? width : null;
}

/**
 * The panel sits on the right with its handle on its left edge: dragging the handle to the left widens it.
 * `startWidth` and `startX` are taken when the drag begins.
 */
export function dragWidth(startWidth: number, startX: number, currentX: number, bounds: WidthBounds): number {
  return clampWidth(startWidth + (startX - currentX), bounds);
}

/**
 * The handle's keys (a vertical separator): ← widens, → narrows (Shift for bigger steps), Home the widest,
 * End the narrowest. Anything else is not ours: null.
 */
export function keyboardWidth(width: number, key: string, shift: boolean, bounds: WidthBounds): number | null {
  const step = shift ? BIG_STEP : STEP;
  switch (key) {
    case "ArrowLeft":
      return clampWidth(width + step, bounds);
    case "ArrowRight":
      return clampWidth(width - step, bounds);
    case "Home":
      return bounds.max;
    case "End":
      return bounds.min;
    default:
      return null;
  }
}
