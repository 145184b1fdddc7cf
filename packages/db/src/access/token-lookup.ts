import { createHash } from "node:crypto";
import type pg from "pg";
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
 * The per-request token check, asked of the database every time (no cache), so a token created or revoked by another
 * process (`rozet token revoke`, another replica) counts at its next request.
 */
export interface TokenLookup {
  /** The active token whose secret this is, or null. */
  find(secret: string): Promise<TokenRecord | null>;
  /** Whether any token is configured (then every call needs one). */
  hasActiveTokens(): Promise<boolean>;
}

const BY_HASH = `SELECT "id", "name", "role" FROM "ApiToken" WHERE "hash" = $1 AND "revokedAt" IS NULL`;
const ANY_ACTIVE = `SELECT EXISTS(SELECT 1 FROM "ApiToken" WHERE "revokedAt" IS NULL) AS found`;

/** Two prepared statements on the event store's better-sqlite3 connection: a few µs. */
export class SqliteTokenLookup implements TokenLookup {
  private readonly byHash;
  private readonly anyActive;

  constructor(db: SqliteDatabase) {
    this.byHash = db.prepare<[string], TokenRecord>(BY_HASH.replace("$1", "?"));
    this.anyActive = db.prepare<[], { found: number }>(ANY_ACTIVE);
  }

  async find(secret: string): Promise<TokenRecord | null> {
    return this.byHash.get(hashTokenSecret(secret)) ?? null;
  }

  async hasActiveTokens(): Promise<boolean> {
    return this.anyActive.get()?.found === 1;
  }
}

/** The same two queries through the event store's read pool on Postgres. */
export class PgTokenLookup implements TokenLookup {
  constructor(private readonly pool: pg.Pool) {}

  async find(secret: string): Promise<TokenRecord | null> {
    return (await this.pool.query<TokenRecord>(BY_HASH, [hashTokenSecret(secret)])).rows[0] ?? null;
  }

  async hasActiveTokens(): Promise<boolean> {
    return (await this.pool.query<{ found: boolean }>(ANY_ACTIVE)).rows[0]?.found === true;
  }
}
