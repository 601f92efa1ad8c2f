import type { Clock } from '@carecircle/shared-kernel';

export interface TokenBucketOptions {
  /** Requests a client may make at once (the bucket's size). */
  burst: number;
  /** Tokens added back per second. */
  perSecond: number;
  clock: Clock;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * One token bucket per client: a request takes a token, tokens come back at `perSecond` up to
 * `burst`. Keys are authenticated client ids (registered by an administrator), so the map stays small.
 */
export class TokenBucketRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.burst >= 1) || !(options.perSecond > 0)) throw new Error('A rate limit needs burst >= 1 and perSecond > 0');
  }

  take(key: string): RateDecision {
    const now = this.options.clock.now().getTime();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, at: now };
    const tokens = Math.min(this.options.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.options.perSecond);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return { allowed: true };
    }
    this.buckets.set(key, { tokens, at: now });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.options.perSecond)) };
  }
}
