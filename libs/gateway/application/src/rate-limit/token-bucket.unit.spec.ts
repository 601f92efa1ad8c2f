import { fixedClock } from '@carecircle/shared-kernel';
import { TokenBucketRateLimiter } from './token-bucket';

describe('TokenBucketRateLimiter', () => {
  it('lets a burst through, then refuses with the seconds until a token is back, per client', () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const limiter = new TokenBucketRateLimiter({ burst: 3, perSecond: 0.5, clock });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(limiter.take('b')).toEqual({ allowed: true });
    clock.advance(1_000);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(1_000);
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('refills up to the burst and no further', () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const limiter = new TokenBucketRateLimiter({ burst: 2, perSecond: 10, clock });
    limiter.take('a');
    clock.advance(60_000);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, false]);
  });

  it('refuses a limit that could never let anything through', () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    expect(() => new TokenBucketRateLimiter({ burst: 0, perSecond: 1, clock })).toThrow();
    expect(() => new TokenBucketRateLimiter({ burst: 1, perSecond: 0, clock })).toThrow();
  });
});
