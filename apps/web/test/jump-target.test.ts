import { describe, expect, it } from "vitest";
import { eventTime, parseJumpTarget, receivedLater } from "../src/lib/jump-target.ts";

describe("Go to: event numbers and times", () => {
  const now = new Date(2026, 11, 6, 15, 0, 0).getTime();

  it("reads #N and N as an event number", () => {
    expect(parseJumpTarget("#500000", now)).toEqual({ seq: 500_000 });
    expect(parseJumpTarget(" 42 ", now)).toEqual({ seq: 42 });
  });

  it("reads a clock time as today (local), or yesterday when it is still ahead", () => {
    expect(parseJumpTarget("14:05", now)).toEqual({ time: new Date(2026, 11, 6, 14, 5).getTime() });
    expect(parseJumpTarget("14:05:30.25", now)).toEqual({ time: new Date(2026, 11, 6, 14, 5, 30, 250).getTime() });
    expect(parseJumpTarget("16:00", now)).toEqual({ time: new Date(2026, 11, 5, 16, 0).getTime() });
  });

  it("reads a date and time, and refuses anything else", () => {
    expect(parseJumpTarget("2026-12-05 09:30", now)).toEqual({ time: new Date(2026, 11, 5, 9, 30).getTime() });
    expect(parseJumpTarget("2026-12-05T09:30:00Z", now)).toEqual({ time: Date.UTC(2026, 11, 5, 9, 30) });
    for (const bad of ["", "#", "25:00", "12:60", "yesterday", "#-3", "1e5"]) expect(parseJumpTarget(bad, now), bad).toBeNull();
  });

  it("shows the event's own time, and the receive time only where it differs", () => {
    expect(eventTime({ clientTs: 1_000, receivedAt: 9_000_000 })).toBe(1_000);
    expect(eventTime({ clientTs: null, receivedAt: 9_000_000 })).toBe(9_000_000);
    expect(receivedLater({ clientTs: 1_000, receivedAt: 9_000_000 })).toBe(true);
    expect(receivedLater({ clientTs: 9_000_000 - 20, receivedAt: 9_000_000 })).toBe(false);
    expect(receivedLater({ clientTs: null, receivedAt: 9_000_000 })).toBe(false);
  });
});
