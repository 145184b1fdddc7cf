import { describe, expect, it } from "vitest";
import {
  DEFAULT_INSPECTOR_WIDTH,
  MIN_INSPECTOR_WIDTH,
  MIN_TIMELINE_WIDTH,
  SIDE_WIDTH,
  clampWidth,
  dragWidth,
  inspectorBounds,
  keyboardWidth,
  parseStoredWidth,
} from "../src/state/panel-width.ts";

describe("inspector width", () => {
  it("leaves the timeline its minimum beside the panel at 1440 px", () => {
    const bounds = inspectorBounds(1440);
    expect(bounds.min).toBe(MIN_INSPECTOR_WIDTH);
    expect(1440 - SIDE_WIDTH - bounds.max).toBeGreaterThanOrEqual(MIN_TIMELINE_WIDTH);
    expect(DEFAULT_INSPECTOR_WIDTH).toBeLessThanOrEqual(bounds.max);
  });

  it("never offers less than the minimum, even in a narrow window", () => {
    expect(inspectorBounds(700)).toEqual({ min: MIN_INSPECTOR_WIDTH, max: MIN_INSPECTOR_WIDTH });
    expect(clampWidth(5_000, inspectorBounds(700))).toBe(MIN_INSPECTOR_WIDTH);
  });

  it("widens when the handle is dragged left and stops at the bounds", () => {
    const bounds = { min: 300, max: 600 };
    expect(dragWidth(400, 1000, 900, bounds)).toBe(500);
    expect(dragWidth(400, 1000, 1050, bounds)).toBe(350);
    expect(dragWidth(400, 1000, 100, bounds)).toBe(600);
    expect(dragWidth(400, 1000, 1400, bounds)).toBe(300);
  });

  it("resizes by keyboard: arrows in steps (bigger with Shift), Home widest, End narrowest, other keys ignored", () => {
    const bounds = { min: 300, max: 600 };
    expect(keyboardWidth(400, "ArrowLeft", false, bounds)).toBe(416);
    expect(keyboardWidth(400, "ArrowRight", false, bounds)).toBe(384);
    expect(keyboardWidth(400, "ArrowLeft", true, bounds)).toBe(464);
    expect(keyboardWidth(590, "ArrowLeft", true, bounds)).toBe(600);
    expect(keyboardWidth(400, "Home", false, bounds)).toBe(600);
    expect(keyboardWidth(400, "End", false, bounds)).toBe(300);
    expect(keyboardWidth(400, "Enter", false, bounds)).toBeNull();
  });

  it("reads back only a plausible stored width", () => {
    expect(parseStoredWidth("512")).toBe(512);
    expect(parseStoredWidth(null)).toBeNull();
    expect(parseStoredWidth("")).toBeNull();
    expect(parseStoredWidth("abc")).toBeNull();
    expect(parseStoredWidth("-40")).toBeNull();
    expect(parseStoredWidth("1e9")).toBeNull();
    expect(parseStoredWidth("0")).toBeNull();
  });
});
