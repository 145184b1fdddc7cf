import type { IncomingMessage } from "node:http";
import { DomainError } from "@rozet/vocabulary";

/** Reads a request body as text, refusing (413) as soon as it passes `maxBytes` rather than buffering it all. */
export function readBodyText(req: IncomingMessage, maxBytes: number): Promise<string> {
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
      resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}
