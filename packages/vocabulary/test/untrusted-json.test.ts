import { describe, expect, it } from "vitest";
import { asBoolean, asList, asNumber, asRecord, asString, asStrings } from "../src/index.ts";

describe("untrusted JSON readers", () => {
  const odd: unknown[] = [null, undefined, 0, 1.5, NaN, Infinity, "", "x", true, [], [1, "a"], {}, { a: 1 }];

  it("asRecord takes plain objects only", () => {
    expect(odd.map(asRecord)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, {}, { a: 1 }]);
  });

  it("asString takes non-empty strings only", () => {
    expect(odd.map(asString)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined, "x", undefined, undefined, undefined, undefined, undefined]);
  });

  it("asNumber takes finite numbers only", () => {
    expect(odd.map(asNumber)).toEqual([undefined, undefined, 0, 1.5, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it("asBoolean takes booleans only", () => {
    expect(odd.map(asBoolean).filter((value) => value !== undefined)).toEqual([true]);
  });

  it("asList and asStrings never fail: anything but an array is empty", () => {
    expect(asList({ length: 2 })).toEqual([]);
    expect(asList([1, "a"])).toEqual([1, "a"]);
    expect(asStrings([1, "a", null, "b", ["c"]])).toEqual(["a", "b"]);
    expect(asStrings("abc")).toEqual([]);
  });
});
