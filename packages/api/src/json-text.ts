/**
 * Finding events and payloads in an ingest body's text without building anything (strings are jumped over with
 * `indexOf`), so payloads are stored exactly as received instead of re-serializing what JSON.parse made of them:
 * for 64 KiB of escaped text JSON.stringify costs ~135 µs; for hook events in a 1,000-event batch ~3 µs each,
 * against ~2 µs for this scan.
 */

/** One element of a batch body: its source text (for JSON.parse) and the text of its top-level `payload`. */
export interface BatchElement {
  text: string;
  payload: string | undefined;
  /** How deeply the payload nests (an object or array is one level; 0 for a primitive or no payload). */
  payloadDepth: number;
}

/**
 * The deepest nesting a stored payload may have. Deeper values cannot be serialized again (JSON.stringify recurses
 * and overflows the stack at a few thousand levels), so they are refused at ingest; no real hook payload comes close.
 */
export const MAX_PAYLOAD_DEPTH = 64;

/**
 * How deeply a parsed JSON value nests (objects and arrays are one level each), counting only up to `limit + 1`:
 * iterative, so any depth is safe to ask about, and it stops as soon as the answer is "too deep".
 */
export function nestingDepth(value: unknown, limit = MAX_PAYLOAD_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/**
 * Splits an ingest body into events without parsing them. A batch — a JSON array, or an object with an `events`
 * array — comes back as its elements' texts, so each can be parsed on its own: a 1.4 MiB body parsed whole is one
 * big live object graph (promoted out of V8's young generation mid-parse, then collected by full GCs); parsed
 * element by element, each graph dies young. Any other object is a single event: it comes back with the text of
 * its `payload`, found in the same pass.
 *
 * For a batch, the syntax around the elements is checked strictly and the object's other members are parsed here,
 * so the body is valid JSON exactly when every element text parses (the caller's JSON.parse). A single event is
 * left for the caller to parse whole. Returns undefined for anything else; throws SyntaxError on malformed syntax.
 * At most `maxElements` elements are kept (memory stays bounded however many a body holds); `count` says how many
 * there were.
 */
export function splitIngestBody(
  text: string,
  maxElements = Number.POSITIVE_INFINITY,
): { batch: BatchElement[]; count: number } | { single: { payload: string | undefined; payloadDepth: number } } | undefined {
  const start = skipSpace(text, 0);
  let array = -1;
  let end = -1;
  if (text.charCodeAt(start) === OPEN_BRACE) {
    const others: [number, number][] = [];
    let arrayEnd = -1;
    let payload: string | undefined;
    let payloadDepth = 0;
    end = walkObject(text, start, (key, valueStart, valueEnd) => {
      if (key === "payload") {
        payload = text.slice(valueStart, valueEnd);
        payloadDepth = lastValueDepth;
      }
      if (key !== "events") return void others.push([valueStart, valueEnd]);
      // With duplicate keys the last one counts (as in JSON.parse); earlier ones are still checked.
      if (array !== -1) others.push([array, arrayEnd]);
      array = valueStart;
      arrayEnd = valueEnd;
    });
    if (array === -1 || text.charCodeAt(array) !== OPEN_BRACKET) return { single: { payload, payloadDepth } };
    for (const [from, to] of others) JSON.parse(text.slice(from, to));
  } else if (text.charCodeAt(start) === OPEN_BRACKET) {
    array = start;
  } else {
    return undefined;
  }
  const elements: BatchElement[] = [];
  let count = 0;
  let i = skipSpace(text, array + 1);
  if (text.charCodeAt(i) !== CLOSE_BRACKET) {
    for (;;) {
      let payload: string | undefined;
      let payloadDepth = 0;
      const keep = ++count <= maxElements;
      const elementEnd =
        keep && text.charCodeAt(i) === OPEN_BRACE
          ? walkObject(text, i, (key, valueStart, valueEnd) => {
              if (key === "payload") {
                payload = text.slice(valueStart, valueEnd);
                payloadDepth = lastValueDepth;
              }
            })
          : endOfValue(text, i);
      if (elementEnd === i) throw new SyntaxError(`expected a value at position ${i}`);
      if (keep) elements.push({ text: text.slice(i, elementEnd), payload, payloadDepth });
      i = skipSpace(text, elementEnd);
      if (text.charCodeAt(i) === CLOSE_BRACKET) break;
      expect(text, i, COMMA);
      i = skipSpace(text, i + 1);
    }
  }
  if (end === -1) end = i + 1;
  if (skipSpace(text, end) !== text.length) throw new SyntaxError(`unexpected text after the JSON value at position ${end}`);
  return { batch: elements, count };
}

function expect(text: string, i: number, char: number): void {
  if (text.charCodeAt(i) !== char) throw new SyntaxError(`expected '${String.fromCharCode(char)}' at position ${i}`);
}

/** Walks an object strictly ({ "key": value, ... }), visiting each member's decoded key and value span. */
function walkObject(text: string, start: number, visit: (key: string, valueStart: number, valueEnd: number) => void): number {
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    expect(text, i, QUOTE);
    const keyEnd = endOfString(text, i);
    const raw = text.slice(i + 1, keyEnd - 1);
    const key = raw.includes("\\") ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
    i = skipSpace(text, keyEnd);
    expect(text, i, COLON);
    const valueStart = skipSpace(text, i + 1);
    const valueEnd = endOfValue(text, valueStart);
    visit(key, valueStart, valueEnd);
    i = skipSpace(text, valueEnd);
    if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
    expect(text, i, COMMA);
    i = skipSpace(text, i + 1);
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const CLOSE_BRACE = 125;
const END_OF_PRIMITIVE = /[,}\]\s]/g;

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i += 1;
  }
}

/** `text[start]` opens a string; returns the index after its closing quote. */
function endOfString(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) throw new SyntaxError("unterminated string");
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The nesting depth of the value the last endOfValue call stepped over (read right after the call). */
let lastValueDepth = 0;

function endOfValue(text: string, start: number): number {
  const c = text.charCodeAt(start);
  lastValueDepth = 0;
  if (c === QUOTE) return endOfString(text, start);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    // Between strings there are only a few characters (`":`, `,`, brackets, numbers): step over them one by one
    // and jump over strings with indexOf. The deepest level is noted on the way (the payload nesting limit).
    let depth = 0;
    let deepest = 0;
    let i = start;
    for (;;) {
      const ch = text.charCodeAt(i);
      if (ch === QUOTE) {
        i = endOfString(text, i);
        continue;
      }
      if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
        if (++depth > deepest) deepest = depth;
      } else if ((ch === CLOSE_BRACE || ch === CLOSE_BRACKET) && --depth === 0) {
        lastValueDepth = deepest;
        return i + 1;
      } else if (Number.isNaN(ch)) throw new SyntaxError("unterminated value");
      i += 1;
    }
  }
  END_OF_PRIMITIVE.lastIndex = start;
  const end = END_OF_PRIMITIVE.exec(text);
  return end ? end.index : text.length;
}

/**
 * A stored payload as it may be sent back out: rows written before the nesting limit existed can be too deep to
 * serialize, so such a payload is replaced by a note saying so (the rest of the event is intact).
 */
export function boundedPayload(payload: unknown): unknown {
  if (nestingDepth(payload) <= MAX_PAYLOAD_DEPTH) return payload;
  return { rozetOmitted: `payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels (stored before the nesting limit); not shown` };
}
