import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

/** Serves the built web app; unknown paths get index.html so deep links (/sessions/:id) work. */
export function createStaticHandler(root: string | null) {
  const index = root ? path.join(root, "index.html") : null;
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (!root || !index || !existsSync(index)) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>Rozet Control Room</title><p>The web app is not built. Run <code>npm run build</code>.</p>");
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      res.writeHead(400).end("bad path");
      return;
    }
    const candidate = path.resolve(root, `.${pathname}`);
    const inside = candidate.startsWith(root + path.sep);
    const file = inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : index;
    const immutable = file !== index && pathname.startsWith("/assets/");
    res.writeHead(200, {
      "content-type": contentTypes[path.extname(file)] ?? "application/octet-stream",
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
    });
    // A file that vanishes or cannot be read ends this response; an unhandled stream 'error' would end the process.
    createReadStream(file)
      .on("error", () => res.destroy())
      .pipe(res);
  };
}
