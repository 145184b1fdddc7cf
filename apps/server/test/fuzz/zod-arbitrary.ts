import fc from "fast-check";
import type { z } from "zod";

/**
 * fast-check arbitraries derived from a zod (v4) schema by walking its definition: `validish` builds inputs of
 * the right shape (ids drawn from `ids`, which mixes real and unknown ones), and `hostile` takes such an input and
 * plants one hostile value or key somewhere inside it.
 */

type Def = { type: string; [key: string]: any };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

export interface ArbitraryContext {
  /** Ids to use for id-like fields: real ones (found) and unknown ones (404s). */
  ids: fc.Arbitrary<string>;
}

const ID_KEY = /(^id$|Id$|^dependsOn$)/;

function isOptional(schema: unknown): boolean {
  const type = defOf(schema).type;
  return type === "optional" || type === "default";
}

function stringArbitrary(def: Def, key: string | undefined, ctx: ArbitraryContext): fc.Arbitrary<string> {
  if (def.format === "datetime") return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString());
  if (key && ID_KEY.test(key)) return ctx.ids;
  const min = def.checks?.find((c: any) => c._zod.def.check === "min_length")?._zod.def.minimum ?? 0;
  return fc.string({ minLength: Math.max(1, min), maxLength: 40 });
}

export function validish(schema: unknown, ctx: ArbitraryContext, key?: string): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, unknown>;
      const entries = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, validish(v, ctx, k)]));
      const requiredKeys = Object.entries(shape).filter(([, v]) => !isOptional(v)).map(([k]) => k);
      return fc.record(entries, { requiredKeys });
    }
    case "optional":
    case "default":
    case "readonly":
      return validish(def.innerType, ctx, key);
    case "nullable":
      return fc.oneof(fc.constant(null), validish(def.innerType, ctx, key));
    case "pipe":
      return validish(def.in, ctx, key);
    case "string":
      return stringArbitrary(def, key, ctx);
    case "number": {
      const integer = (def.checks ?? []).some((c: any) => /int/.test(String(c._zod.def.format)));
      return integer ? fc.integer({ min: 1, max: 1_000 }) : fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.double({ min: 0.01, max: 100, noNaN: true }));
    }
    case "boolean":
      return fc.boolean();
    case "enum":
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>));
    case "literal":
      return fc.constantFrom(...(def.values as unknown[]));
    case "array":
      return fc.array(validish(def.element, ctx, key), { maxLength: 3 });
    case "record":
      return fc.dictionary(validish(def.keyType, ctx) as fc.Arbitrary<string>, validish(def.valueType, ctx), { maxKeys: 3 });
    case "union":
      return fc.oneof(...(def.options as unknown[]).map((option) => validish(option, ctx, key)));
    default:
      // unknown, any, custom: any JSON.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * Raw JSON text planted as a value: numbers JSON cannot hold as such (1e999 parses as Infinity; NaN is not JSON),
 * or structures too deep or big to build, print and shrink as objects. `toWireJson` writes the text verbatim.
 */
export class RawJson {
  constructor(
    readonly text: string,
    private readonly label = text,
  ) {}

  [fc.toStringMethod](): string {
    return `raw(${this.label})`;
  }
}

function nested(depth: number, asArray: boolean): RawJson {
  const text = asArray ? `${"[".repeat(depth)}1${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}"leaf"${"}".repeat(depth)}`;
  return new RawJson(text, `${depth} nested ${asArray ? "arrays" : "objects"}`);
}

/** Hostile values: wrong types, edge numbers, strings that break naive code, deep or huge structures. */
export interface HostileOptions {
  hugeChars: number;
  /** Deepest nesting to plant (FUZZ_MAX_DEPTH lowers it to explore past a known nesting defect). */
  maxDepth?: number;
}

export function hostileValue(options: HostileOptions): fc.Arbitrary<unknown> {
  const maxDepth = options.maxDepth ?? Number(process.env.FUZZ_MAX_DEPTH ?? 10_000);
  const depths = (candidates: number[]) => fc.constantFrom(...candidates.map((d) => Math.min(d, maxDepth)));
  const wrongTypes = fc.constantFrom<unknown>(null, true, false, 0, "", "x", [], {}, [1, "a", null], { nested: { deeper: true } });
  const numbers = fc.oneof(
    fc.constantFrom<unknown>(-1, -0, 0.5, -1e-9, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), Number.MAX_VALUE, Number.MIN_VALUE),
    fc.constantFrom(new RawJson("1e999"), new RawJson("-1e999"), new RawJson("NaN"), new RawJson("Infinity")),
    fc.double(),
    fc.integer(),
  );
  const strings = fc.oneof(
    fc.constantFrom(
      "\u0000",
      "a\u0000b",
      "\u001b[2J\u001b[31mred",
      "bell\u0007",
      "\ud800",
      "x\udc00y",
      "\u202egnp.exe",
      "../../../etc/passwd",
      "%00%ff%",
      "' OR 1=1; --",
      "__proto__",
      "constructor",
      " ",
      "\n\t",
      "😀".repeat(100),
    ),
    fc.string({ unit: "binary", maxLength: 50 }),
    fc.constantFrom(300, 5_000, options.hugeChars).map((n) => "x".repeat(n)),
  );
  const structures = fc.oneof(
    depths([100, 1_000, 10_000]).map((depth) => nested(depth, true)),
    depths([100, 1_000]).map((depth) => nested(depth, false)),
    fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as unknown),
    fc.constant(new RawJson(`[${Array.from({ length: 10_000 }, (_, i) => i).join(",")}]`, "10000 numbers")),
    fc.jsonValue({ maxDepth: 3 }),
  );
  return fc.oneof(wrongTypes, numbers, strings, structures);
}

/** Every path (object keys, array indexes) into a JSON-ish value, the root included. */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (value && typeof value === "object" && !(value instanceof RawJson) && prefix.length < 6) {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, Array.isArray(value) ? Number(k) : k], out);
  }
  return out;
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  Object.defineProperty(copy, head!, { value: setAt(copy[head!], rest, replacement), enumerable: true, writable: true, configurable: true });
  return copy;
}

export type Mutation = { kind: "replace"; path: (string | number)[] } | { kind: "add-key"; path: (string | number)[]; key: string };

/** A valid-ish input with one hostile value planted at one of its paths, or one hostile key added to an object. */
export function hostile(valid: fc.Arbitrary<unknown>, options: HostileOptions): fc.Arbitrary<{ input: unknown; mutation: Mutation }> {
  const keys = fc.constantFrom("__proto__", "constructor", "prototype", "unknownField", "\u0000", "");
  return fc.tuple(valid, hostileValue(options), fc.nat(), fc.boolean(), keys).map(([base, bad, pick, addKey, key]) => {
    const paths = pathsOf(base);
    const path = paths[pick % paths.length]!;
    if (addKey) {
      const objects = paths.filter((p) => {
        const target = p.reduce<any>((v, k) => v?.[k], base);
        return target && typeof target === "object" && !Array.isArray(target) && !(target instanceof RawJson);
      });
      const where = objects[pick % Math.max(1, objects.length)];
      if (where) {
        const target = where.reduce<any>((v, k) => v[k], base);
        const withKey = { ...target };
        Object.defineProperty(withKey, key, { value: bad, enumerable: true, writable: true, configurable: true });
        return { input: setAt(base, where, withKey), mutation: { kind: "add-key" as const, path: where, key } };
      }
    }
    return { input: setAt(base, path, bad), mutation: { kind: "replace" as const, path } };
  });
}

/** JSON text as a client would send it, with RawJson values written verbatim. */
export function toWireJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  if (text === undefined) return "null";
  return raws.length ? text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!) : text;
}

export type ZodSchema = z.ZodType;
