import type { IncomingMessage } from "node:http";
import { DomainError } from "@rozet/vocabulary";

/** Decodes and validates in one pass: invalid UTF-8 is refused rather than folded into U+FFFD (distinct ids would collide). */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export function decodeUtf8(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new DomainError("INVALID_INPUT", "request body is not valid UTF-8", { issues: [{ path: "", message: "invalid UTF-8" }] });
  }
}

/**
 * Reads a request body as UTF-8 text, refusing (413) as soon as it passes `maxBytes` rather than buffering it all,
 * and (400) bytes that are not UTF-8.
 */
export async function readBodyText(req: IncomingMessage, maxBytes: number): Promise<string> {
  return decodeUtf8(await readBodyBytes(req, maxBytes));
}

/** Reads a request body as bytes, refusing (413) as soon as it passes `maxBytes` rather than buffering it all. */
export function readBodyBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > maxBytes) {
      req.resume();
      reject(new DomainError("PAYLOAD_TOO_LARGE", `request is ${declared} bytes; the limit is ${maxBytes}`, { limit: "request", max: maxBytes, actual: declared }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners("data");
        req.resume();
        reject(new DomainError("PAYLOAD_TOO_LARGE", `request exceeds the limit of ${maxBytes} bytes`, { limit: "request", max: maxBytes }));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > maxBytes) return;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}
