import { createHash } from "node:crypto";
import type { SqliteDatabase } from "../sqlite.ts";

/** Tokens are stored as the SHA-256 of their secret; the secret itself never reaches the database. */
export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export interface TokenRecord {
  id: string;
  name: string;
  role: string;
}

/**
 * The per-request token check: two prepared statements on the event store's better-sqlite3 connection (a few µs,
 * no cache), so a token created or revoked by another process (`rozet token revoke`) counts at its next request.
 */
export class TokenLookup {
  private readonly byHash;
  private readonly anyActive;

  constructor(db: SqliteDatabase) {
    this.byHash = db.prepare<[string], TokenRecord>(`SELECT id, name, role FROM "ApiToken" WHERE hash = ? AND revokedAt IS NULL`);
    this.anyActive = db.prepare<[], { found: number }>(`SELECT EXISTS(SELECT 1 FROM "ApiToken" WHERE revokedAt IS NULL) AS found`).pluck(false);
  }

  /** The active token whose secret this is, or null. */
  find(secret: string): TokenRecord | null {
    return this.byHash.get(hashTokenSecret(secret)) ?? null;
  }

  /** Whether any token is configured (then every call needs one). */
  hasActiveTokens(): boolean {
    return this.anyActive.get()?.found === 1;
  }
}
