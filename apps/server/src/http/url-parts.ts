import { DomainError } from "@rozet/vocabulary";

/**
 * decodeURIComponent that answers a malformed escape (e.g. `%E0%A4%A`) with a 400 naming the part, instead of the
 * URIError that would otherwise escape a request handler and take the process down.
 */
export function decodeUrlPart(encoded: string, what: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new DomainError("INVALID_INPUT", `${what} is not a valid percent-encoded URL part`, { issues: [{ path: what, message: "malformed percent-escape" }] });
  }
}
