/** Paths served as themselves; anything else is folded into a few labels so /metrics stays bounded. */
const NAMED_ROUTES = new Set(["/healthz", "/metrics", "/events", "/api/events", "/hooks/claude", "/v1/logs", "/v1/metrics", "/api/themes", "/api/themes/stats", "/api/themes/import"]);

/**
 * The route label of a request URL for HTTP metrics: a fixed set, whatever paths clients make up. `restTemplate`
 * names the REST route a path belongs to by its OpenAPI template (`/api/sessions/{id}`).
 */
export function routeLabel(url: string, restTemplate: (pathname: string) => string | undefined = () => undefined): string {
  const pathname = url.split("?", 1)[0]!;
  if (NAMED_ROUTES.has(pathname)) return pathname;
  if (pathname.startsWith("/trpc/")) return "/trpc";
  if (/^\/api\/sessions\/[^/]+\/export\.[a-z]+$/.test(pathname)) return "/api/sessions/{id}/export";
  if (/^\/api\/themes\/[^/]+\/export$/.test(pathname)) return "/api/themes/{id}/export";
  if (/^\/api\/themes\/[^/]+$/.test(pathname)) return "/api/themes/{id}";
  const template = restTemplate(pathname);
  if (template) return template;
  if (pathname.startsWith("/api/")) return "/api/*";
  return "static";
}
