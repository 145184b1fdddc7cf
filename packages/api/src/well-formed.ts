import { DomainError } from "@rozet/vocabulary";

/** With the `u` flag a surrogate range matches only unpaired halves: a pair is one code point. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * The path (e.g. `dependsOn.1`) of the first string or key in a JSON value that is not well-formed Unicode (a lone
 * surrogate, which JSON's `\ud800` escapes can carry). Such text cannot be stored as UTF-8: SQLite would alter
 * it and Prisma's engine refuses it with a 500. Walks with its own stack, so deep nesting cannot overflow it.
 */
export function findIllFormedText(value: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: "" }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === "string") {
      if (LONE_SURROGATE.test(current)) return path;
    } else if (current && typeof current === "object") {
      for (const [key, child] of Object.entries(current)) {
        const childPath = path ? `${path}.${key}` : key;
        if (LONE_SURROGATE.test(key)) return childPath;
        stack.push({ value: child, path: childPath });
      }
    }
  }
  return null;
}

export const illFormedMessage = "must be well-formed Unicode (no lone surrogate)";

/** Throws INVALID_INPUT naming the field when `value` holds text that is not well-formed Unicode. */
export function assertWellFormedText(value: unknown): void {
  const path = findIllFormedText(value);
  if (path === null) return;
  throw new DomainError("INVALID_INPUT", `${path || "input"}: ${illFormedMessage}`, { issues: [{ path, message: illFormedMessage }] });
}
