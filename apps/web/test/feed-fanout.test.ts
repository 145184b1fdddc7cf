import { describe, expect, it } from "vitest";
import { FeedFanout, type Reader } from "../src/state/feed-fanout.ts";

const events = (...seqs: number[]) => seqs.map((seq) => ({ seq }));
function reader(cursor: number): Reader<{ seq: number }> & { got: number[][] } {
  const got: number[][] = [];
  return { cursor, got, apply: (batch) => got.push(batch.map((e) => e.seq)) };
}

describe("FeedFanout: one source, readers at their own cursors", () => {
  it("opens the source at the first reader's cursor and gives every reader each later event once, in order", () => {
    const fanout = new FeedFanout<{ seq: number }>();
    const timeline = reader(10);
    expect(fanout.attach(timeline)).toBe(10);
    const activity = reader(12);
    expect(fanout.attach(activity)).toBeNull(); // covered: the source is open from 10
    fanout.receive(events(11, 12, 13));
    fanout.receive(events(14));
    expect(timeline.got).toEqual([[11, 12, 13], [14]]);
    expect(activity.got).toEqual([[13], [14]]);
  });

  it("a reader joining late gets what it missed from the recent events, then the live ones", () => {
    const fanout = new FeedFanout<{ seq: number }>();
    fanout.attach(reader(0));
    fanout.receive(events(1, 2, 3, 4));
    const late = reader(2);
    expect(fanout.attach(late)).toBeNull();
    expect(late.got).toEqual([[3, 4]]);
    fanout.receive(events(5));
    expect(late.got).toEqual([[3, 4], [5]]);
  });

  it("a reader older than the recent events reopens the source from its cursor; nobody sees a repeat", () => {
    const fanout = new FeedFanout<{ seq: number }>(2);
    const first = reader(0);
    fanout.attach(first);
    fanout.receive(events(1, 2, 3, 4)); // keeps 3 and 4 only
    const old = reader(1);
    expect(fanout.attach(old)).toBe(1);
    fanout.receive(events(2, 3, 4, 5)); // the reopened source replays from 1
    expect(first.got).toEqual([[1, 2, 3, 4], [5]]);
    expect(old.got).toEqual([[2, 3, 4, 5]]);
  });

  it("closes when the last reader leaves, and a new reader opens it again", () => {
    const fanout = new FeedFanout<{ seq: number }>();
    const a = reader(5);
    const b = reader(5);
    fanout.attach(a);
    fanout.attach(b);
    expect(fanout.detach(a)).toBe(false);
    fanout.receive(events(6));
    expect(a.got).toEqual([]);
    expect(b.got).toEqual([[6]]);
    expect(fanout.detach(b)).toBe(true);
    expect(fanout.attach(reader(9))).toBe(9);
  });
});
