import { createReadStream } from "node:fs";
import type { ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import type { OpenAPIObject } from "@rozet/api";
import { sendJson } from "./respond.ts";

/** swagger-ui-dist's files, served from node_modules: the reference page works offline, no CDN. */
const swaggerDir = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const assets: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rozet Control Room API</title>
<link rel="icon" href="/api/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

// A file rather than an inline script, so a Content-Security-Policy without 'unsafe-inline' can serve the page.
const init = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true, persistAuthorization: true });\n`;

function send(res: ServerResponse, contentType: string, body: string): void {
  res.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(body), "cache-control": "no-cache", "x-content-type-options": "nosniff" });
  res.end(body);
}

/**
 * GET /api/openapi.json and the API reference page at /api/docs.
 * Neither needs the token: they describe the API, and every call made from the page carries the token it is given.
 * Returns false for paths that are not its own.
 */
export function createApiDocsHandler(document: OpenAPIObject) {
  return (res: ServerResponse, pathname: string): boolean => {
    if (pathname === "/api/openapi.json") {
      sendJson(res, 200, document);
      return true;
    }
    if (pathname === "/api/docs" || pathname === "/api/docs/") {
      send(res, "text/html; charset=utf-8", page);
      return true;
    }
    if (pathname === "/api/docs/init.js") {
      send(res, "text/javascript; charset=utf-8", init);
      return true;
    }
    const asset = pathname.startsWith("/api/docs/assets/") ? pathname.slice("/api/docs/assets/".length) : null;
    const contentType = asset === null ? undefined : assets[asset];
    if (asset === null || contentType === undefined) return false;
    res.writeHead(200, { "content-type": contentType, "cache-control": "public, max-age=86400", "x-content-type-options": "nosniff" });
    createReadStream(path.join(swaggerDir, asset))
      .on("error", () => res.destroy())
      .pipe(res);
    return true;
  };
}
