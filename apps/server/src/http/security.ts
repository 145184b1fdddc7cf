import type { IncomingMessage } from "node:http";
import { LOOPBACK_HOSTS, type ServerConfig } from "../config.ts";

export interface RequestGuard {
  /** Null when the request may proceed; otherwise the status and reason to refuse it with. */
  check(req: IncomingMessage): { status: number; code: string; message: string } | null;
}

function hostName(hostHeader: string): string {
  // "[::1]:4800" → "::1", "example.com:4800" → "example.com"
  if (hostHeader.startsWith("[")) return hostHeader.slice(1, hostHeader.indexOf("]"));
  const colon = hostHeader.lastIndexOf(":");
  return (colon === -1 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

/** Same origin as the Host we serve, or (on a loopback bind) any loopback page, e.g. the Vite dev server. */
function isOwnOrigin(origin: string, host: string, loopbackBind: boolean): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.host === host) return true;
  return loopbackBind && LOOPBACK_HOSTS.includes(hostName(url.host));
}

/**
 * DNS-rebinding and cross-site protection: the Host header must name this server, and a browser Origin (when
 * sent) must be this server or an allowed origin. Requests without Origin (curl, hooks, scripts) pass the
 * Origin check; the token still guards them on non-loopback binds.
 */
export function createRequestGuard(config: ServerConfig): RequestGuard {
  const hosts = new Set([...LOOPBACK_HOSTS, config.host.toLowerCase(), ...config.allowedHosts.map((h) => h.toLowerCase())]);
  const origins = new Set(config.allowedOrigins.map((o) => new URL(o).origin));
  const loopbackBind = LOOPBACK_HOSTS.includes(config.host);
  return {
    check(req) {
      const host = req.headers.host;
      if (!host || !hosts.has(hostName(host))) {
        return { status: 421, code: "BAD_HOST", message: `Host header ${JSON.stringify(host ?? "")} is not allowed (set ROZET_ALLOWED_HOSTS)` };
      }
      const origin = req.headers.origin;
      if (origin === undefined) return null;
      if (origins.has(origin) || isOwnOrigin(origin, host, loopbackBind)) return null;
      // A foreign page may neither read nor command anything.
      return { status: 403, code: "FORBIDDEN_ORIGIN", message: `Origin ${origin} is not allowed (set ROZET_ALLOWED_ORIGINS)` };
    },
  };
}
