import { DomainError } from "@rozet/vocabulary";

export interface BucketConfig {
  /** Calls per second refilled. */
  perSecond: number;
  /** Calls allowed at once (the bucket's size). */
  burst: number;
}

/** Keys are forgotten once their bucket is full again and this many are held (memory stays bounded). */
const PRUNE_AT = 10_000;

/** Token buckets by key: `take` spends one call or says how many seconds until one is available. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly config: BucketConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when the call may go ahead (and is counted); otherwise the whole seconds to wait. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.config.burst, at: now };
    bucket.tokens = Math.min(this.config.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.config.perSecond);
    bucket.at = now;
    if (this.buckets.size >= PRUNE_AT && !this.buckets.has(key)) this.prune(now);
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.config.perSecond));
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.config.perSecond >= this.config.burst) this.buckets.delete(key);
    }
  }
}

export interface RateLimitConfig {
  mutations: BucketConfig;
  ingest: BucketConfig;
  /** Ingest from loopback addresses (local hooks) is throttled only when this is true. */
  throttleLoopbackIngest: boolean;
}

export type RateLimitedKind = "mutation" | "ingest";

/** Rate limits per token and per client address, for mutations and for ingest (each its own buckets). */
export class RateLimits {
  private readonly buckets: Record<RateLimitedKind, TokenBuckets>;

  constructor(
    readonly config: RateLimitConfig,
    now: () => number = Date.now,
  ) {
    this.buckets = { mutation: new TokenBuckets(config.mutations, now), ingest: new TokenBuckets(config.ingest, now) };
  }

  /** Throws RATE_LIMITED (429, Retry-After) when the token's or the address's bucket is empty. */
  check(kind: RateLimitedKind, caller: { token: string | null; address: string }): void {
    const buckets = this.buckets[kind];
    const byAddress = buckets.take(`addr:${caller.address}`);
    const byToken = caller.token === null ? 0 : buckets.take(`token:${caller.token}`);
    const retryAfterSeconds = Math.max(byAddress, byToken);
    if (retryAfterSeconds === 0) return;
    const who = byToken > 0 ? `token ${caller.token}` : `address ${caller.address}`;
    throw new DomainError("RATE_LIMITED", `too many ${kind} calls from ${who}; retry after ${retryAfterSeconds} s`, { retryAfterSeconds, limit: kind });
  }
}

/** Generous defaults: an operator's page and scripts never meet them; a runaway loop or a flood does. */
export const defaultRateLimits: RateLimitConfig = {
  mutations: { perSecond: 50, burst: 500 },
  ingest: { perSecond: 2_000, burst: 20_000 },
  throttleLoopbackIngest: false,
};
