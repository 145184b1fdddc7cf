/**
 * Readers for JSON we did not write (agent messages, hook payloads, ACP updates, stored event payloads): each
 * returns the value when it has the expected shape, else undefined (or an empty list), and never throws. One
 * module for the normalizers, the drivers and the web, so "a string" means the same everywhere.
 */

export type JsonRecord = Record<string, unknown>;

/** A plain object (not null, not an array). */
export function asRecord(value: unknown): JsonRecord | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

/** A non-empty string: an empty string says as little as a missing one. */
export function asString(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** A finite number (NaN and Infinity cannot come from JSON, but can from a JS caller). */
export function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

/** An array, or an empty one for anything else. */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The strings of an array (other items dropped). */
export function asStrings(value: unknown): string[] {
  return asList(value).filter((item): item is string => typeof item === "string");
}
