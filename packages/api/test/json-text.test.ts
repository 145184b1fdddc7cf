import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD_DEPTH, nestingDepth, splitIngestBody } from "../src/json-text.ts";
import { parseIngestText } from "../src/routers/ingest.contracts.ts";

const HOOK_FIXTURES = new URL("../../../fixtures/claude-code/hooks/", import.meta.url);

/** A deterministic generator of awkward JSON values: escapes, brackets and quotes inside strings, deep nesting. */
function randomValue(rand: () => number, depth: number): unknown {
  const tricky = ['a"b', "back\\slash", "\\", '\\"', "}{][", '"payload":{"x":1}', "line\nbreak\ttab", "é😀\u2028", ""];
  const r = rand();
  if (depth > 3 || r < 0.3) return tricky[Math.floor(rand() * tricky.length)]! + String(Math.floor(rand() * 100));
  if (r < 0.4) return [null, true, false, 0, -1.5e-7, 123456789][Math.floor(rand() * 6)];
  if (r < 0.7) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = 0; i < Math.floor(rand() * 5); i++) object[tricky[Math.floor(rand() * tricky.length)]! + i] = randomValue(rand, depth + 1);
  if (rand() < 0.3) object.payload = randomValue(rand, depth + 1);
  return object;
}

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The payload text of a single-event body. */
function topLevelPayload(text: string): string | undefined {
  const split = splitIngestBody(text);
  if (!split || !("single" in split)) throw new Error(`not a single event: ${text.slice(0, 80)}`);
  return split.single.payload;
}

/** The elements of a batch body (undefined when it is not one). */
function splitBatch(text: string) {
  const split = splitIngestBody(text);
  return split && "batch" in split ? split.batch : undefined;
}

function expectSameValue(text: string): void {
  const member = topLevelPayload(text);
  expect(member).toBeDefined();
  expect(JSON.parse(member!)).toEqual(JSON.parse(text).payload);
}

describe("splitIngestBody: single events", () => {
  it("finds the payload of every captured Claude Code hook event, minified and pretty-printed", () => {
    const files = readdirSync(HOOK_FIXTURES).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const payload = JSON.parse(readFileSync(new URL(file, HOOK_FIXTURES), "utf8"));
      const event = { source_app: "app", session_id: "s", hook_event_type: "PreToolUse", payload, timestamp: 1 };
      expectSameValue(JSON.stringify(event));
      expectSameValue(JSON.stringify(event, null, 2));
      const { payload: _, ...rest } = event;
      expectSameValue(JSON.stringify({ payload, ...rest, summary: 'ends with a quote"' }));
    }
  });

  it("agrees with JSON.parse on 2,000 random objects full of escapes, brackets in strings and nested payload keys", () => {
    const rand = prng(42);
    for (let i = 0; i < 2_000; i++) {
      const body = { before: randomValue(rand, 1), payload: randomValue(rand, 0), after: randomValue(rand, 1), n: -0.5, t: true, z: null };
      expectSameValue(JSON.stringify(body, null, i % 3 === 0 ? "\t" : undefined));
    }
  });

  it("takes the last of duplicate keys and reads primitives, as JSON.parse does", () => {
    expectSameValue('{"payload":{"a":1}, "x":[1,{"payload":2}],"payload" : {"b":"}"} }');
    expect(topLevelPayload('{"payload":12.5e3,"y":1}')).toBe("12.5e3");
    expect(topLevelPayload('{"payload":null}')).toBe("null");
  });

  it("returns undefined when there is nothing to take as is", () => {
    expect(topLevelPayload('{"other":{"payload":{}}}')).toBeUndefined();
    expect(splitIngestBody("12")).toBeUndefined();
    // An escaped key is the same key to JSON.parse, and here.
    expect(topLevelPayload('{"pay\\u006coad":{"a":1}}')).toBe('{"a":1}');
  });
});

describe("splitIngestBody: batches", () => {
  it("splits an array body and { events } wherever the key sits, each element with its payload text", () => {
    const rand = prng(7);
    const events = Array.from({ length: 300 }, (_, i) => ({ i, payload: randomValue(rand, 0), tail: randomValue(rand, 1) }));
    for (const text of [
      JSON.stringify(events),
      JSON.stringify({ note: { events: "not this" }, events }, null, 2),
      JSON.stringify({ events, after: [1, 2] }),
    ]) {
      const elements = splitBatch(text)!;
      expect(elements).toHaveLength(events.length);
      elements.forEach((element, i) => {
        expect(JSON.parse(element.text)).toEqual(events[i]);
        expect(JSON.parse(element.payload!)).toEqual(events[i]!.payload);
      });
    }
  });

  it("leaves what is not a batch to the caller, and marks elements without a payload", () => {
    expect(splitBatch('[1, "x", {"a":1}, {"payload":[]}, null]')!.map((e) => [e.text, e.payload])).toEqual([
      ["1", undefined],
      ['"x"', undefined],
      ['{"a":1}', undefined],
      ['{"payload":[]}', "[]"],
      ["null", undefined],
    ]);
    expect(splitBatch(" [ ] ")).toEqual([]);
    expect(splitIngestBody('{"events":{"payload":1}}')).toEqual({ single: { payload: undefined, payloadDepth: 0 } });
    expect(splitIngestBody('{"source_app":"a","payload":{}}')).toEqual({ single: { payload: "{}", payloadDepth: 1 } });
  });

  it("keeps at most maxElements elements but counts them all", () => {
    const split = splitIngestBody(JSON.stringify(Array.from({ length: 5_000 }, (_, i) => ({ i, payload: { i } }))), 1_000);
    expect(split).toMatchObject({ count: 5_000 });
    expect(split && "batch" in split && split.batch).toHaveLength(1_000);
    expect(() => parseIngestText(`[${"1,".repeat(200_000)}1]`)).toThrow(/batch is 200001 events; the limit is 1000/);
  });

  it("rejects malformed syntax around the elements, which no element parse would see", () => {
    for (const bad of [
      '[{"a":1} {"b":2}]',
      '[{"a":1},]x',
      '{"events":[{"a":1}] "x":1}',
      '{"events":[{"a":1}],"x":tru}',
      '{"events":[],"events":[1,]}',
      '{"events":[{"a":1}]} trailing',
      '[{"a":1}',
      '{"events" [1]}',
    ]) {
      expect(() => JSON.parse(bad), bad).toThrow();
      // Either the split throws, or it leaves the body to be parsed whole, or an element does not parse.
      expect(() => {
        const split = splitIngestBody(bad);
        if (!split || "single" in split) JSON.parse(bad);
        else split.batch.forEach((e) => JSON.parse(e.text));
      }, bad).toThrow();
    }
  });
});

describe("parseIngestText", () => {
  const big = { file: "x".repeat(20_000), note: 'quote " and \\ and \u00e9' };

  it("stores a large single event's payload as received", () => {
    const text = `{"source_app":"app","session_id":"s1","hook_event_type":"PostToolUse","payload":  ${JSON.stringify(big, null, 1)}  }`;
    const [event] = parseIngestText(text);
    expect(event!.payloadJson).toBe(JSON.stringify(big, null, 1));
    expect(JSON.parse(event!.payloadJson)).toEqual(big);
  });

  it("keeps each payload's text in a large batch", () => {
    const events = Array.from({ length: 20 }, (_, i) => ({ source_app: "app", session_id: "s1", hook_event_type: "PreToolUse", payload: { i, text: "y".repeat(500) } }));
    const text = JSON.stringify({ events }, null, 1);
    const parsed = parseIngestText(text);
    // As received: pretty-printed, a piece of the body, not a re-serialization.
    for (const event of parsed) {
      expect(event.payloadJson).toContain("\n");
      expect(text).toContain(event.payloadJson);
    }
    expect(parsed.map((e) => JSON.parse(e.payloadJson))).toEqual(events.map((e) => e.payload));
  });

  it("still merges chat into the payload (re-serialized), in single events and batches; malformed bodies are refused", () => {
    const withChat = JSON.stringify({ source_app: "app", session_id: "s1", hook_event_type: "Stop", payload: big, chat: [{ role: "user" }] });
    expect(JSON.parse(parseIngestText(withChat)[0]!.payloadJson)).toEqual({ ...big, chat: [{ role: "user" }] });
    const small = '{"source_app":"app","session_id":"s1","hook_event_type":"Stop","payload":{ "a" : 1 }}';
    expect(parseIngestText(small)[0]!.payloadJson).toBe('{ "a" : 1 }');
    expect(() => parseIngestText('{"events":[{"a":1},]}')).toThrow(/not valid JSON/);
    expect(() => parseIngestText('[{"source_app":"a"} {}]')).toThrow(/not valid JSON/);
    const batch = JSON.stringify({ events: [JSON.parse(withChat)] });
    expect(parseIngestText(batch)[0]!.payloadJson).toBe(JSON.stringify({ ...big, chat: [{ role: "user" }] }));
  });
});

describe("payload nesting depth", () => {
  it("measures the payload's depth while splitting, as the parsed value's depth, for random payloads", () => {
    const rand = prng(7);
    for (let i = 0; i < 500; i++) {
      const payload = randomValue(rand, 0);
      const split = splitIngestBody(JSON.stringify({ a: [[[1]]], payload }));
      expect(split && "single" in split && split.single.payloadDepth).toBe(nestingDepth(payload, Number.POSITIVE_INFINITY));
    }
  });

  it("counts brackets inside strings as text and stops counting past the limit", () => {
    expect(splitIngestBody('[{"payload":{"s":"[[[{{{"}}]')).toMatchObject({ batch: [{ payloadDepth: 1 }] });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nestingDepth(deep)).toBe(MAX_PAYLOAD_DEPTH + 1);
    expect(nestingDepth("text")).toBe(0);
  });
});
