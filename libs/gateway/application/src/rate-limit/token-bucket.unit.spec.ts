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

describe('TokenBucketRateLimiter per key', () => {
  it('gives a configured key its own limit and everyone else the default', () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const limitFor = (key: string) =>
      key === 'client:ehr'
        ? { burst: 100, perSecond: 100 }
        : key.startsWith('address:')
          ? { burst: 2, perSecond: 1 }
          : undefined;
    const limiter = new TokenBucketRateLimiter({ burst: 5, perSecond: 1, clock, limitFor });
    expect(Array.from({ length: 100 }, () => limiter.take('client:ehr').allowed).every(Boolean)).toBe(true);
    expect(limiter.take('client:ehr').allowed).toBe(false);
    expect([1, 2, 3].map(() => limiter.take('address:10.0.0.1').allowed)).toEqual([true, true, false]);
    expect(Array.from({ length: 6 }, () => limiter.take('person:clin_1').allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('forgets full buckets once it tracks too many keys, never a draining one', () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const limiter = new TokenBucketRateLimiter({ burst: 2, perSecond: 1, clock, maxKeys: 3 });
    limiter.take('drained');
    limiter.take('drained');
    expect(limiter.take('drained').allowed).toBe(false);
    for (const key of ['a', 'b']) limiter.take(key);
    clock.advance(1_000); // a and b are full again, drained holds one token
    limiter.take('c');
    expect(limiter.size).toBe(2);
    expect(limiter.take('drained').allowed).toBe(true);
    expect(limiter.take('drained').allowed).toBe(false);
  });

  it('refuses a configured limit that could never let anything through', () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const limiter = new TokenBucketRateLimiter({
      burst: 1,
      perSecond: 1,
      clock,
      limitFor: () => ({ burst: 0, perSecond: 1 }),
    });
    expect(() => limiter.take('x')).toThrow();
  });
});
