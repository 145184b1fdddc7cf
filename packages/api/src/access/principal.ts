import type { IncomingMessage } from "node:http";
import { ROLES, type Role } from "@rozet/vocabulary";

/** Who is calling: a named token and its role. */
export interface Principal {
  /** The token's name; `ROZET_TOKEN` for the environment token, `local` when no token is configured. */
  name: string;
  role: Role;
}

/** How callers are recognised: the environment token (admin) and the named tokens in the database. */
export interface AccessPolicy {
  /** ROZET_TOKEN: an admin token that needs no database row. Null when unset. */
  envToken: string | null;
  /** Asked on every call (a database query on Postgres): a token revoked elsewhere counts at once. */
  tokens: { find(secret: string): Promise<{ name: string; role: string } | null>; hasActiveTokens(): Promise<boolean> };
}

export interface Access {
  /** False while no token is configured (loopback default): everyone on the allowed hosts is an admin. */
  required: boolean;
  /** Null when a token is required and none (or a wrong or revoked one) was presented. */
  principal: Principal | null;
}

const OPEN: Access = { required: false, principal: { name: "local", role: "admin" } };

/** Reads a bearer token from the Authorization header or, for WebSockets, the `token` connection param. */
export function presentedToken(req: IncomingMessage, connectionParams?: Record<string, string | undefined> | null): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length).trim();
  return connectionParams?.token ?? null;
}

/** Resolves the caller from the token it presented (null: none). */
export async function resolveAccess(policy: AccessPolicy, presented: string | null): Promise<Access> {
  if (policy.envToken === null && !(await policy.tokens.hasActiveTokens())) return OPEN;
  if (presented === null || presented.length === 0 || presented.length > 512) return { required: true, principal: null };
  if (policy.envToken !== null && constantTimeEqual(presented, policy.envToken)) return { required: true, principal: { name: "ROZET_TOKEN", role: "admin" } };
  // Named tokens are looked up by the SHA-256 of the secret: nothing secret-dependent is compared byte by byte.
  const found = await policy.tokens.find(presented);
  const role = ROLES.find((r) => r === found?.role);
  return { required: true, principal: found && role ? { name: found.name, role } : null };
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The client's address as the socket saw it (IPv4-mapped IPv6 written as IPv4). */
export function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "unknown";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

export function isLoopbackAddress(address: string): boolean {
  return address === "::1" || address.startsWith("127.");
}
