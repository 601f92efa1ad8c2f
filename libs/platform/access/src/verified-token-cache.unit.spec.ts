import { VerifiedTokenCache } from './verified-token-cache';

const NOW = Date.parse('2026-12-06T10:00:00Z');
const inSeconds = (seconds: number) => NOW / 1000 + seconds;

describe('VerifiedTokenCache', () => {
  it('answers for a token until its exp, and forgets it after', () => {
    const cache = new VerifiedTokenCache<string>();
    cache.set('token-a', 'caller-a', inSeconds(30), NOW);

    expect(cache.get('token-a', NOW + 29_999)).toBe('caller-a');
    expect(cache.get('token-a', NOW + 30_000)).toBeUndefined();
    expect(cache.get('token-b', NOW)).toBeUndefined();
  });

  it('reuses a verification for at most maxAgeMs, however far away the token expires', () => {
    const cache = new VerifiedTokenCache<string>({ maxAgeMs: 60_000 });
    cache.set('long-lived', 'caller', inSeconds(3600), NOW);

    expect(cache.get('long-lived', NOW + 59_000)).toBe('caller');
    expect(cache.get('long-lived', NOW + 60_000)).toBeUndefined();
  });

  it('keeps nothing for a token that has already expired', () => {
    const cache = new VerifiedTokenCache<string>();
    cache.set('expired', 'caller', inSeconds(-1), NOW);
    expect(cache.get('expired', NOW)).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const cache = new VerifiedTokenCache<number>({ maxEntries: 2 });
    cache.set('first', 1, inSeconds(30), NOW);
    cache.set('second', 2, inSeconds(30), NOW);
    cache.set('third', 3, inSeconds(30), NOW);

    expect(cache.get('first', NOW)).toBeUndefined();
    expect(cache.get('second', NOW)).toBe(2);
    expect(cache.get('third', NOW)).toBe(3);
  });
});
