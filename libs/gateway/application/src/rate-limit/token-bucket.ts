import type { Clock } from '@carecircle/shared-kernel';

/** Requests a key may make at once (the bucket's size), and tokens added back per second. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

export interface TokenBucketOptions extends RateLimit {
  clock: Clock;
  /** A key's own limit (an EHR client given more, anonymous addresses less); the default otherwise. */
  limitFor?: (key: string) => RateLimit | undefined;
  /**
   * Buckets kept before full ones are forgotten (a full bucket is what a new key starts with, so
   * forgetting it changes nothing). Keys may be addresses, so the map must not grow without bound.
   */
  maxKeys?: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const DEFAULT_MAX_KEYS = 10_000;

function checkLimit(limit: RateLimit): RateLimit {
  if (!(limit.burst >= 1) || !(limit.perSecond > 0)) throw new Error('A rate limit needs burst >= 1 and perSecond > 0');
  return limit;
}

/**
 * One token bucket per key (`client:<id>`, `person:<id>`, `address:<ip>`): a request takes a token,
 * tokens come back at `perSecond` up to `burst`. Pure apart from the injected clock.
 */
export class TokenBucketRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; limit: RateLimit }>();

  constructor(private readonly options: TokenBucketOptions) {
    checkLimit(options);
  }

  take(key: string): RateDecision {
    const now = this.options.clock.now().getTime();
    const limit = this.buckets.get(key)?.limit ?? checkLimit(this.options.limitFor?.(key) ?? this.options);
    const tokens = this.tokensAt(key, now, limit);
    const full = this.buckets.size >= (this.options.maxKeys ?? DEFAULT_MAX_KEYS);
    if (full && !this.buckets.has(key)) this.forgetFullBuckets(now);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now, limit });
      return { allowed: true };
    }
    this.buckets.set(key, { tokens, at: now, limit });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / limit.perSecond)) };
  }

  /** How many keys are tracked (for tests of the bound). */
  get size(): number {
    return this.buckets.size;
  }

  private tokensAt(key: string, now: number, limit: RateLimit): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return limit.burst;
    return Math.min(limit.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * limit.perSecond);
  }

  private forgetFullBuckets(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.tokensAt(key, now, bucket.limit) >= bucket.limit.burst) this.buckets.delete(key);
    }
  }
}
