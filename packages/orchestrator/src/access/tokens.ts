import { randomBytes } from "node:crypto";
import { hashTokenSecret, type Models } from "@rozet/db";
import { DomainError, newId, notFound, type Role } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";

type TokenDeps = Pick<Stores, "prisma">;

/** Secrets look like `rzt_<43 base64url chars>`: 32 random bytes, recognisable in logs and secret scanners. */
export const TOKEN_SECRET_PREFIX = "rzt_";

export function tokenDto(row: Models.ApiTokenModel) {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export type TokenDto = ReturnType<typeof tokenDto>;

/** Creates a named token; the secret is returned this once and only its hash is stored. */
export async function createToken(deps: TokenDeps, input: { name: string; role: Role }): Promise<{ token: TokenDto; secret: string }> {
  const active = await deps.prisma.apiToken.findFirst({ where: { name: input.name, revokedAt: null } });
  if (active) throw new DomainError("CONFLICT", `a token named ${input.name} exists; revoke it first`, { field: "name" });
  const secret = TOKEN_SECRET_PREFIX + randomBytes(32).toString("base64url");
  const row = await deps.prisma.apiToken.create({ data: { id: newId(), name: input.name, role: input.role, hash: hashTokenSecret(secret) } });
  return { token: tokenDto(row), secret };
}

/** Every token, active ones first, newest first (revoked ones stay listed: the audit log names them). */
export async function listTokens(deps: TokenDeps): Promise<TokenDto[]> {
  const rows = await deps.prisma.apiToken.findMany({ orderBy: [{ createdAt: "desc" }] });
  return rows.map(tokenDto).sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null));
}

/** Revokes the active token with this name or id; it stops working at its next request. */
export async function revokeToken(deps: TokenDeps, input: { token: string }): Promise<TokenDto> {
  const row = await deps.prisma.apiToken.findFirst({ where: { revokedAt: null, OR: [{ id: input.token }, { name: input.token }] } });
  if (!row) throw notFound("active token", input.token);
  return tokenDto(await deps.prisma.apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } }));
}
